import type { MetricDatum } from '@aws-sdk/client-cloudwatch';
import {
  LOAD_BALANCER_METRICS,
  loadBalancerArnSuffix,
  loadBalancerDimensions,
  METRIC_PERIOD_SECONDS,
  TARGET_GROUP_METRICS,
  targetGroupArnSuffix,
  targetGroupDimensions,
} from '@switchyard/infra/alb-metrics';
import type { ServedRequest } from './request-log';

/*
 * The ALB's CloudWatch metrics, counted per load balancer and target group and per whole minute,
 * and written as the datapoints ELB would publish for a minute. Pure: the publisher
 * (alb-metrics-publisher.ts) feeds it and sends what it writes.
 *
 * What is published, as the metrics page says
 * (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html):
 * metrics are reported only while requests flow; RequestCount is then always reported (zero
 * included) and counts only the requests for which a target could be chosen; the 5XX counts,
 * the Lambda errors, the connection errors and TargetResponseTime are reported when there is a
 * nonzero value; the host counts are reported each minute the health checks run. TargetResponseTime
 * keeps every request's value (Values and Counts), so that its percentiles can be asked for.
 */

export const PERIOD_MS = METRIC_PERIOD_SECONDS * 1000;

/** CloudWatch takes at most 150 distinct values in one datum's Values. https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_MetricDatum.html */
export const MAX_VALUES_PER_DATUM = 150;

export type TargetGroupKind = 'lambda' | 'ip';

/** The start of the minute (UTC) a time falls in, in epoch milliseconds. */
export function minuteOf(at: number): number {
  return Math.floor(at / PERIOD_MS) * PERIOD_MS;
}

/** Counts by value. */
type Histogram = Map<number, number>;

interface GroupTally {
  readonly kind: TargetGroupKind;
  /** Requests the rule sent to the group, a target found or not. */
  routed: number;
  /** Requests for which a target was chosen: RequestCount. */
  requests: number;
  target5xx: number;
  readonly responseTimes: Histogram;
  lambdaUserErrors: number;
  lambdaInternalErrors: number;
  connectionErrors: number;
}

interface HealthTally {
  readonly healthy: Histogram;
  readonly unhealthy: Histogram;
}

export interface MinuteTally {
  routed: number;
  requests: number;
  /** The load balancer's own 5XX, by status. */
  readonly elb5xx: Map<number, number>;
  readonly groups: Map<string, GroupTally>;
  /** Samples of the IP target groups' target health. */
  readonly health: Map<string, HealthTally>;
}

export interface HostCounts {
  readonly healthy: number;
  readonly unhealthy: number;
}

const add = (histogram: Histogram, value: number, count = 1) => histogram.set(value, (histogram.get(value) ?? 0) + count);

/** One load balancer's minutes, until they are taken to be published. */
export class AlbMetricTally {
  private readonly minutes = new Map<number, MinuteTally>();

  private minute(at: number): MinuteTally {
    const start = minuteOf(at);
    let tally = this.minutes.get(start);
    if (!tally) {
      tally = { routed: 0, requests: 0, elb5xx: new Map(), groups: new Map(), health: new Map() };
      this.minutes.set(start, tally);
    }
    return tally;
  }

  /** A request the listener sent to a target group. */
  record(targetGroupArn: string, kind: TargetGroupKind, request: ServedRequest): void {
    const minute = this.minute(request.at);
    let group = minute.groups.get(targetGroupArn);
    if (!group) {
      group = {
        kind,
        routed: 0,
        requests: 0,
        target5xx: 0,
        responseTimes: new Map(),
        lambdaUserErrors: 0,
        lambdaInternalErrors: 0,
        connectionErrors: 0,
      };
      minute.groups.set(targetGroupArn, group);
    }
    minute.routed += 1;
    group.routed += 1;
    if (request.targetChosen) {
      minute.requests += 1;
      group.requests += 1;
    }
    const is5xx = request.status !== undefined && request.status >= 500 && request.status <= 599;
    if (is5xx && request.answeredBy === 'target') group.target5xx += 1;
    if (is5xx && request.answeredBy === 'load-balancer') add(minute.elb5xx, request.status!);
    if (request.targetResponseSeconds !== undefined) add(group.responseTimes, request.targetResponseSeconds);
    if (request.lambdaError === 'user') group.lambdaUserErrors += 1;
    if (request.lambdaError === 'internal') group.lambdaInternalErrors += 1;
    group.connectionErrors += request.targetConnectionErrors;
  }

  /** One look at an IP target group's targets. */
  recordHealth(at: number, targetGroupArn: string, hosts: HostCounts): void {
    const minute = this.minute(at);
    let health = minute.health.get(targetGroupArn);
    if (!health) {
      health = { healthy: new Map(), unhealthy: new Map() };
      minute.health.set(targetGroupArn, health);
    }
    add(health.healthy, hosts.healthy);
    add(health.unhealthy, hosts.unhealthy);
  }

  /** Takes out the minutes that start before `before`, oldest first; what arrives later for them starts afresh. */
  take(before: number): Array<[minute: number, tally: MinuteTally]> {
    const taken = [...this.minutes.entries()].filter(([start]) => start < before).sort(([a], [b]) => a - b);
    for (const [start] of taken) this.minutes.delete(start);
    return taken;
  }
}

/** A histogram as Values and Counts, at most MAX_VALUES_PER_DATUM values to a datum. */
function valueData(base: Omit<MetricDatum, 'Values' | 'Counts'>, histogram: Histogram): MetricDatum[] {
  const entries = [...histogram.entries()].sort(([a], [b]) => a - b);
  const data: MetricDatum[] = [];
  for (let i = 0; i < entries.length; i += MAX_VALUES_PER_DATUM) {
    const slice = entries.slice(i, i + MAX_VALUES_PER_DATUM);
    data.push({ ...base, Values: slice.map(([value]) => value), Counts: slice.map(([, count]) => count) });
  }
  return data;
}

const ELB_5XX_BY_STATUS: Record<number, string> = {
  502: LOAD_BALANCER_METRICS.elb502,
  503: LOAD_BALANCER_METRICS.elb503,
  504: LOAD_BALANCER_METRICS.elb504,
};

/** The datapoints of one minute of one load balancer, timestamped at the minute's start. */
export function metricData(loadBalancerArn: string, minute: number, tally: MinuteTally): MetricDatum[] {
  const loadBalancer = loadBalancerArnSuffix(loadBalancerArn);
  const Timestamp = new Date(minute);
  const data: MetricDatum[] = [];
  const count = (MetricName: string, Dimensions: MetricDatum['Dimensions'], Value: number, always = false) => {
    if (Value > 0 || always) data.push({ MetricName, Dimensions, Timestamp, Value, Unit: 'Count' });
  };
  const balancer = loadBalancerDimensions(loadBalancer);
  if (tally.routed > 0) count(LOAD_BALANCER_METRICS.requests, balancer, tally.requests, true);
  count(
    LOAD_BALANCER_METRICS.elb5xx,
    balancer,
    [...tally.elb5xx.values()].reduce((sum, n) => sum + n, 0),
  );
  for (const [status, n] of [...tally.elb5xx.entries()].sort(([a], [b]) => a - b))
    if (ELB_5XX_BY_STATUS[status]) count(ELB_5XX_BY_STATUS[status], balancer, n);
  for (const [arn, group] of tally.groups) {
    const dimensions = targetGroupDimensions(loadBalancer, targetGroupArnSuffix(arn));
    count(TARGET_GROUP_METRICS.requests, dimensions, group.requests, true);
    count(TARGET_GROUP_METRICS.target5xx, dimensions, group.target5xx);
    data.push(
      ...valueData(
        { MetricName: TARGET_GROUP_METRICS.responseTime, Dimensions: dimensions, Timestamp, Unit: 'Seconds' },
        group.responseTimes,
      ),
    );
    if (group.kind === 'lambda') {
      count(TARGET_GROUP_METRICS.lambdaUserError, dimensions, group.lambdaUserErrors);
      count(TARGET_GROUP_METRICS.lambdaInternalError, dimensions, group.lambdaInternalErrors);
    } else count(TARGET_GROUP_METRICS.connectionErrors, dimensions, group.connectionErrors);
  }
  for (const [arn, health] of tally.health) {
    const dimensions = targetGroupDimensions(loadBalancer, targetGroupArnSuffix(arn));
    for (const [MetricName, histogram] of [
      [TARGET_GROUP_METRICS.healthyHosts, health.healthy],
      [TARGET_GROUP_METRICS.unhealthyHosts, health.unhealthy],
    ] as const)
      data.push(...valueData({ MetricName, Dimensions: dimensions, Timestamp, Unit: 'Count' }, histogram));
  }
  return data;
}
