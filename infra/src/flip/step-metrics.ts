import { GetMetricDataCommand, type CloudWatchClient, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import type { Compute } from '../config/environments';
import {
  ALB_NAMESPACE,
  LOAD_BALANCER_METRICS,
  loadBalancerDimensions,
  METRIC_PERIOD_SECONDS,
  TARGET_GROUP_METRICS,
  targetGroupDimensions,
} from '../monitoring/alb-metrics';
import { ERROR_TERMS } from '../monitoring/compute-health';
import type { StackIds } from './stack-ids';
import type { ComputeNumbers, StepWindow } from './verdict';

/*
 * What a flip step is judged on: both computes' target-group metrics and the load balancer's own 5XX,
 * read with GetMetricData over a window of whole one-minute periods that starts after the change took
 * effect, so no minute mixes the old split with the new.
 */

const PERIOD_MS = METRIC_PERIOD_SECONDS * 1000;

export interface MetricWindow {
  readonly start: Date;
  readonly end: Date;
}

/** The bake window for a change in effect at `effectiveAt`: from the next whole minute, for `bakeMinutes`. */
export function bakeWindow(effectiveAt: Date, bakeMinutes: number): MetricWindow {
  const start = Math.ceil(effectiveAt.getTime() / PERIOD_MS) * PERIOD_MS;
  return { start: new Date(start), end: new Date(start + bakeMinutes * PERIOD_MS) };
}

/** "5m", "90s" as whole minutes (metrics come in one-minute periods); at least one. */
export function parseBake(text: string): number {
  const match = /^(\d+)(s|m|h)$/.exec(text.trim());
  const seconds = match ? Number(match[1]) * { s: 1, m: 60, h: 3600 }[match[2] as 's' | 'm' | 'h'] : NaN;
  if (!(seconds >= METRIC_PERIOD_SECONDS) || seconds % METRIC_PERIOD_SECONDS !== 0)
    throw new Error(`--bake "${text}" must be whole minutes, at least 1, e.g. 5m (the ALB's metrics come in one-minute periods)`);
  return seconds / METRIC_PERIOD_SECONDS;
}

type Stat = 'Sum' | 'p99';

function query(
  id: string,
  metricName: string,
  dimensions: ReturnType<typeof loadBalancerDimensions>,
  stat: Stat,
  period: number,
): MetricDataQuery {
  return {
    Id: id,
    MetricStat: { Metric: { Namespace: ALB_NAMESPACE, MetricName: metricName, Dimensions: dimensions }, Period: period, Stat: stat },
    ReturnData: true,
  };
}

const COMPUTES: readonly Compute[] = ['lambda', 'fargate'];

/** The queries for a window: each count summed over the whole window (one datapoint), p99 over it, and the load balancer's requests per minute. */
export function stepQueries(ids: StackIds, window: MetricWindow): MetricDataQuery[] {
  const period = Math.round((window.end.getTime() - window.start.getTime()) / 1000);
  const queries: MetricDataQuery[] = [];
  for (const compute of COMPUTES) {
    const dims = targetGroupDimensions(ids.loadBalancerArnSuffix, ids.targetGroups[compute].arnSuffix);
    // The same errors the stack's alarms count (compute-health.ts), so the flip and the alarms agree.
    const errorMetrics = ERROR_TERMS[compute].map((term) => term.metricName);
    queries.push(query(`${compute}_requests`, TARGET_GROUP_METRICS.requests, dims, 'Sum', period));
    errorMetrics.forEach((name, i) => queries.push(query(`${compute}_errors_${i}`, name, dims, 'Sum', period)));
    queries.push(query(`${compute}_p99`, TARGET_GROUP_METRICS.responseTime, dims, 'p99', period));
  }
  const lb = loadBalancerDimensions(ids.loadBalancerArnSuffix);
  queries.push(query('lb_requests', LOAD_BALANCER_METRICS.requests, lb, 'Sum', period));
  queries.push(query('lb_elb5xx', LOAD_BALANCER_METRICS.elb5xx, lb, 'Sum', period));
  queries.push(query('lb_requests_by_minute', LOAD_BALANCER_METRICS.requests, lb, 'Sum', METRIC_PERIOD_SECONDS));
  return queries;
}

export interface MetricResults {
  /** Every value of each query, by id. */
  readonly values: Readonly<Record<string, readonly number[]>>;
  /** The minutes (their starts, epoch ms) with a load balancer RequestCount datapoint. */
  readonly minutesReported: readonly number[];
}

/** The window's numbers from the results; a metric with no datapoint (no request, no error) is zero. */
export function stepWindowOf(results: MetricResults, candidate: Compute): StepWindow {
  const sum = (id: string) => (results.values[id] ?? []).reduce((a, b) => a + b, 0);
  const numbers = (compute: Compute): ComputeNumbers => {
    const errors = Object.keys(results.values)
      .filter((id) => id.startsWith(`${compute}_errors_`))
      .reduce((total, id) => total + sum(id), 0);
    const p99 = results.values[`${compute}_p99`]?.[0];
    // TargetResponseTime is in seconds.
    return { requests: sum(`${compute}_requests`), errors, p99Ms: p99 === undefined ? undefined : p99 * 1000 };
  };
  return {
    candidate,
    computes: { lambda: numbers('lambda'), fargate: numbers('fargate') },
    loadBalancer: { requests: sum('lb_requests'), elb5xx: sum('lb_elb5xx') },
  };
}

/** Whether CloudWatch has the window's last minute yet: the load balancer reports each minute it served a request. */
export function windowComplete(results: MetricResults, window: MetricWindow): boolean {
  return results.minutesReported.includes(window.end.getTime() - PERIOD_MS);
}

export async function readMetrics(cloudwatch: CloudWatchClient, ids: StackIds, window: MetricWindow): Promise<MetricResults> {
  const values: Record<string, number[]> = {};
  const minutes: number[] = [];
  let NextToken: string | undefined;
  do {
    const page = await cloudwatch.send(
      new GetMetricDataCommand({
        MetricDataQueries: stepQueries(ids, window),
        StartTime: window.start,
        EndTime: window.end,
        ScanBy: 'TimestampAscending',
        NextToken,
      }),
    );
    for (const result of page.MetricDataResults ?? []) {
      if (result.Id === 'lb_requests_by_minute') minutes.push(...(result.Timestamps ?? []).map((t) => t.getTime()));
      else (values[result.Id!] ??= []).push(...(result.Values ?? []));
    }
    NextToken = page.NextToken;
  } while (NextToken);
  return { values, minutesReported: minutes };
}
