import { withJson, withRequestJson, type AwsCall } from '../aws-call';
import type { FidelityPatch } from '../fidelity-layer';

/*
 * CloudWatch's GetMetricData where moto 5.2.1 answers otherwise, for the SDKs' JSON protocol:
 * - it rounds StartTime down to the whole minute, so a period's datapoints are the same whatever
 *   second a reader asks at (moto counts periods from the second it was given);
 * - it answers percentile statistics (pNN.NN) from the values that were put, Values and Counts
 *   included (moto answers HTTP 500 for any of them).
 * Sum, Average, SampleCount, Minimum and Maximum over Values and Counts are moto's, and right.
 */

interface Dimension {
  Name?: string;
  Value?: string;
}
interface MetricDatum {
  MetricName?: string;
  Dimensions?: Dimension[];
  Timestamp?: number | string;
  Value?: number;
  Values?: number[];
  Counts?: number[];
  StatisticValues?: { SampleCount?: number; Sum?: number; Minimum?: number; Maximum?: number };
  Unit?: string;
}
interface MetricStat {
  Metric?: { Namespace?: string; MetricName?: string; Dimensions?: Dimension[] };
  Period?: number;
  Stat?: string;
  Unit?: string;
}
interface MetricDataQuery {
  Id?: string;
  MetricStat?: MetricStat;
  Expression?: string;
  Label?: string;
  ReturnData?: boolean;
}
interface GetMetricDataRequest {
  MetricDataQueries?: MetricDataQuery[];
  StartTime?: number | string;
  EndTime?: number | string;
  ScanBy?: string;
}
interface MetricDataResult {
  Id?: string;
  Label?: string;
  Timestamps?: number[];
  Values?: number[];
  StatusCode?: string;
}

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

/** The JSON protocols' timestamps: epoch seconds, or an ISO 8601 string. */
function epochMs(time: number | string | undefined, fallback: number): number {
  if (typeof time === 'number') return time * 1000;
  if (typeof time === 'string') return /^\d+(\.\d+)?$/.test(time) ? Number(time) * 1000 : Date.parse(time);
  return fallback;
}

const isJsonCall = (call: AwsCall) => String(call.headers['content-type'] ?? '').includes('json');

/**
 * StartTime as CloudWatch takes it: "rounded down to the nearest whole minute" when less than 15 days
 * ago, to 5 minutes up to 63 days, to the hour beyond. (Periods under a minute round otherwise.)
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html
 */
export function roundedStartTime(startMs: number, nowMs: number): number {
  const age = nowMs - startMs;
  const unit = age < 15 * DAY_MS ? MINUTE_MS : age < 63 * DAY_MS ? 5 * MINUTE_MS : 60 * MINUTE_MS;
  return Math.floor(startMs / unit) * unit;
}

export function cloudWatchStartTime(now: () => number = Date.now): FidelityPatch {
  return {
    name: 'cloudwatch-start-time',
    restores:
      "GetMetricData rounds StartTime down to the whole minute (5 minutes after 15 days, the hour after 63), so a period's " +
      'datapoints do not depend on the second the query is made. https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html',
    applies: (call) => call.service === 'monitoring' && call.action === 'GetMetricData' && isJsonCall(call),
    handle(call, moto) {
      const request = JSON.parse(call.body.toString('utf8') || '{}') as GetMetricDataRequest;
      const queries = request.MetricDataQueries ?? [];
      if (request.StartTime === undefined || queries.some((q) => q.MetricStat && Number(q.MetricStat.Period) < 60)) return moto(call);
      const start = roundedStartTime(epochMs(request.StartTime, 0), now());
      return moto(withRequestJson(call, { ...request, StartTime: start / 1000 }));
    },
  };
}

/** "p99", "p99.9", "p50.25": a percentile, up to two decimals. */
const PERCENTILE = /^p(\d{1,2}(\.\d{1,2})?|100(\.0{1,2})?)$/;

/** Values with their counts. */
type Counted = Array<[value: number, count: number]>;

interface Sample {
  readonly at: number;
  readonly unit: string | undefined;
  /** Undefined for a statistic set that hides its values: no percentile covers it. */
  readonly values: Counted | undefined;
}

/**
 * The nearest-rank percentile: the smallest value with at least p percent of the values at or
 * below it. Undefined with no values, or with a negative one ("percentile statistics are not
 * available for metrics when any of the metric values are negative numbers").
 */
export function percentile(values: Counted, p: number): number | undefined {
  const total = values.reduce((sum, [, count]) => sum + count, 0);
  if (total === 0 || values.some(([value]) => value < 0)) return undefined;
  const rank = Math.max(1, Math.ceil((p / 100) * total));
  let seen = 0;
  for (const [value, count] of [...values].sort(([a], [b]) => a - b)) {
    seen += count;
    if (seen >= rank) return value;
  }
  return undefined;
}

/** What one datum of PutMetricData puts, for percentiles. */
function sampleOf(datum: MetricDatum, nowMs: number): Sample {
  const at = epochMs(datum.Timestamp, nowMs);
  if (datum.Values?.length) return { at, unit: datum.Unit, values: datum.Values.map((value, i) => [value, datum.Counts?.[i] ?? 1]) };
  const set = datum.StatisticValues;
  if (set) {
    // "If you publish data using a statistic set ... you can only retrieve percentile statistics
    // for this data if ... the SampleCount value of the statistic set is 1 [or] the Min and the Max
    // values of the statistic set are equal."
    const visible = set.SampleCount === 1 || set.Minimum === set.Maximum;
    return { at, unit: datum.Unit, values: visible ? [[Number(set.Minimum), Number(set.SampleCount)]] : undefined };
  }
  return { at, unit: datum.Unit, values: [[datum.Value ?? 0, 1]] };
}

/** A metric's identity: namespace, name and its whole set of dimensions, in any order. */
function metricKey(namespace: string | undefined, name: string | undefined, dimensions: Dimension[] | undefined): string {
  const sorted = (dimensions ?? []).map((d) => [d.Name ?? '', d.Value ?? '']).sort(([a], [b]) => (a! < b! ? -1 : a! > b! ? 1 : 0));
  return JSON.stringify([namespace ?? '', name ?? '', sorted]);
}

export function cloudWatchPercentiles(now: () => number = Date.now): FidelityPatch {
  const samples = new Map<string, Sample[]>();

  const answer = (query: MetricDataQuery, startMs: number, endMs: number, scanBy: string | undefined): MetricDataResult => {
    const stat = query.MetricStat!;
    const p = Number(stat.Stat!.slice(1));
    const periodMs = Number(stat.Period) * 1000;
    const buckets = new Map<number, Counted>();
    const hidden = new Set<number>();
    for (const sample of samples.get(metricKey(stat.Metric?.Namespace, stat.Metric?.MetricName, stat.Metric?.Dimensions)) ?? []) {
      if (sample.at < startMs || sample.at >= endMs || (stat.Unit && sample.unit !== stat.Unit)) continue;
      const bucket = startMs + Math.floor((sample.at - startMs) / periodMs) * periodMs;
      if (!sample.values) hidden.add(bucket);
      const values = buckets.get(bucket) ?? [];
      buckets.set(bucket, values);
      values.push(...(sample.values ?? []));
    }
    const points = [...buckets.entries()]
      .filter(([bucket]) => !hidden.has(bucket))
      .map(([bucket, values]) => [bucket, percentile(values, p)] as const)
      .filter((point): point is readonly [number, number] => point[1] !== undefined)
      .sort(([a], [b]) => (scanBy === 'TimestampAscending' ? a - b : b - a));
    return {
      Id: query.Id,
      Label: query.Label ?? `${stat.Metric?.MetricName} ${stat.Stat}`,
      Timestamps: points.map(([bucket]) => bucket / 1000),
      Values: points.map(([, value]) => value),
      StatusCode: 'Complete',
    };
  };

  return {
    name: 'cloudwatch-percentiles',
    restores:
      'GetMetricData answers percentile statistics (pNN.NN) from the raw values put, Values and Counts included, and from ' +
      'statistic sets whose SampleCount is 1 or whose Minimum equals their Maximum. ' +
      'https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_concepts.html#Percentiles',
    applies: (call) =>
      call.service === 'monitoring' && (call.action === 'PutMetricData' || call.action === 'GetMetricData') && isJsonCall(call),
    async handle(call, moto) {
      // A compressed PutMetricData arrives inflated (request-compression.ts comes first).
      const request = JSON.parse(call.body.toString('utf8') || '{}') as GetMetricDataRequest & {
        Namespace?: string;
        MetricData?: MetricDatum[];
      };
      if (call.action === 'PutMetricData') {
        const reply = await moto(call);
        if (reply.status >= 300) return reply;
        for (const datum of request.MetricData ?? []) {
          const key = metricKey(request.Namespace, datum.MetricName, datum.Dimensions);
          const kept = samples.get(key) ?? [];
          samples.set(key, kept);
          kept.push(sampleOf(datum, now()));
        }
        return reply;
      }
      const queries = request.MetricDataQueries ?? [];
      const ours = queries.filter((q) => PERCENTILE.test(q.MetricStat?.Stat ?? ''));
      // Metric math over a percentile would need moto to hold it: left to moto, as before.
      if (!ours.length || queries.some((q) => q.Expression)) return moto(call);
      // moto checks the times and answers the rest.
      const reply = await moto(withRequestJson(call, { ...request, MetricDataQueries: queries.filter((q) => !ours.includes(q)) }));
      const startMs = Math.floor(epochMs(request.StartTime, 0) / 1000) * 1000;
      const endMs = epochMs(request.EndTime, 0);
      return withJson<{ MetricDataResults?: MetricDataResult[] }>(reply, (answered) => {
        const byId = new Map((answered.MetricDataResults ?? []).map((r) => [r.Id, r]));
        for (const query of ours) byId.set(query.Id, answer(query, startMs, endMs, request.ScanBy));
        // In the order they were asked, as CloudWatch answers.
        answered.MetricDataResults = queries.filter((q) => q.ReturnData !== false && byId.has(q.Id)).map((q) => byId.get(q.Id)!);
      });
    },
  };
}
