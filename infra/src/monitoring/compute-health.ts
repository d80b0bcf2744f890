import type { Compute, SafetyNet } from '../config/environments';
import { METRIC_PERIOD_SECONDS, TARGET_GROUP_METRICS, type Dimension } from './alb-metrics';

/*
 * How a compute's health is read from its target group's metrics, as CloudWatch metric math: what
 * counts as a failed request, and how many requests make a one-minute period worth judging. The
 * stack's alarms and its dashboard both build their expressions here.
 */

/** One metric in a metric math expression: the id the expression names it by, and the metric. */
export interface MetricTerm {
  /** Lower-case first, letters, digits and underscores: CloudWatch's rule for a query id. */
  readonly id: string;
  readonly metricName: string;
}

/**
 * A compute's failed requests, each counted once. On Lambda, a 5XX the function answered is a
 * target 5XX; an invocation that failed in the function (LambdaUserError) or in Lambda
 * (LambdaInternalError) is answered by the ALB with a 502 of its own, which only these count against
 * the target group. On Fargate, a connection the ALB could not make to a task (a task that crashed or
 * stopped listening) is answered with a 502 or 503 of the ALB's own: counted in the target group only
 * as TargetConnectionErrorCount, so without it a broken task set would show no errors of its own.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html
 */
export const ERROR_TERMS: Readonly<Record<Compute, readonly MetricTerm[]>> = {
  lambda: [
    { id: 'target_5xx', metricName: TARGET_GROUP_METRICS.target5xx },
    { id: 'lambda_user_errors', metricName: TARGET_GROUP_METRICS.lambdaUserError },
    { id: 'lambda_internal_errors', metricName: TARGET_GROUP_METRICS.lambdaInternalError },
  ],
  fargate: [
    { id: 'target_5xx', metricName: TARGET_GROUP_METRICS.target5xx },
    { id: 'connection_errors', metricName: TARGET_GROUP_METRICS.connectionErrors },
  ],
};

/**
 * The sum of error counts. The ALB reports a count only for periods that have one, so a period
 * with requests and no error data would drop out of `errors / requests`; FILL makes it zero errors.
 */
export function errorSum(ids: readonly string[]): string {
  return ids.map((id) => `FILL(${id}, 0)`).join(' + ');
}

/**
 * The requests a one-minute period needs before an alarm judges it. A flip judges a compute on
 * `minRequests` over `bakeMinutes`; an alarm judges each period on its own, so a period needs its
 * even share of that minimum. With fewer, one failed request is a rate of several percent, and one
 * slow request is the p99: noise, not a verdict.
 */
export function minRequestsPerPeriod(limits: Pick<SafetyNet, 'minRequests' | 'bakeMinutes'>): number {
  const periodsPerBake = (limits.bakeMinutes * 60) / METRIC_PERIOD_SECONDS;
  return Math.ceil(limits.minRequests / periodsPerBake);
}

/**
 * `value` in the periods with at least `minimum` requests, 0 (within every limit) in the others. A
 * period with no requests at all has no data point, so the alarm's treatment of missing data decides it.
 */
export function whenJudged(requestsId: string, minimum: number, value: string): string {
  return `IF(${requestsId} >= ${minimum}, ${value}, 0)`;
}

/** Dimensions as the Terraform provider takes them: a map from name to value. */
export function dimensionMap(dimensions: readonly Dimension[]): Record<string, string> {
  return Object.fromEntries(dimensions.map((d) => [d.Name, d.Value]));
}
