import type { MetricDatum } from '@aws-sdk/client-cloudwatch';
import fc from 'fast-check';
import { LOAD_BALANCER_METRICS as LB, TARGET_GROUP_METRICS as TG } from '@switchyard/infra/alb-metrics';
import { AlbMetricTally, MAX_VALUES_PER_DATUM, metricData, minuteOf, PERIOD_MS, type TargetGroupKind } from './alb-metric-tally';
import type { ServedRequest } from './request-log';

const BALANCER = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/switchyard-dev/50dc6c495c0c9188';
const GROUPS: Record<TargetGroupKind, string> = {
  lambda: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/switchyard-lambda/aa11bb22cc33dd44',
  ip: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/switchyard-fargate/ee55ff66aa77bb88',
};
const SUFFIX: Record<TargetGroupKind, string> = {
  lambda: 'targetgroup/switchyard-lambda/aa11bb22cc33dd44',
  ip: 'targetgroup/switchyard-fargate/ee55ff66aa77bb88',
};
const T0 = Date.UTC(2026, 11, 2, 20, 0, 0);

const served = (fields: Partial<ServedRequest> = {}): ServedRequest => ({
  at: T0 + 1000,
  targetChosen: true,
  status: 200,
  answeredBy: 'target',
  targetResponseSeconds: 0.01,
  targetConnectionErrors: 0,
  lambdaError: undefined,
  ...fields,
});

const arbitraryRequest = fc.record<ServedRequest>({
  at: fc.integer({ min: T0, max: T0 + 5 * PERIOD_MS - 1 }),
  targetChosen: fc.boolean(),
  status: fc.constantFrom(200, 404, 413, 500, 502, 503, 504, undefined),
  answeredBy: fc.constantFrom('target', 'load-balancer'),
  // Milliseconds, as HAProxy logs them: many distinct values, more than one datum holds.
  targetResponseSeconds: fc.option(
    fc.integer({ min: 0, max: 2000 }).map((ms) => ms / 1000),
    { nil: undefined },
  ),
  targetConnectionErrors: fc.integer({ min: 0, max: 4 }),
  lambdaError: fc.constantFrom('user', 'internal', undefined),
});
const arbitraryForwarded = fc.array(fc.tuple(fc.constantFrom<TargetGroupKind>('lambda', 'ip'), arbitraryRequest), { maxLength: 400 });

const isBalancerOnly = (d: MetricDatum) => d.Dimensions!.length === 1;
const groupOf = (d: MetricDatum) => d.Dimensions!.find((x) => x.Name === 'TargetGroup')?.Value;
/** What a Sum over the datums says: a Value, or the values times their counts. */
const total = (data: MetricDatum[], name: string, where: (d: MetricDatum) => boolean) =>
  data
    .filter((d) => d.MetricName === name && where(d))
    .reduce((sum, d) => sum + (d.Value ?? d.Values!.reduce((s, v, i) => s + v * d.Counts![i]!, 0)), 0);
const samples = (data: MetricDatum[], name: string, where: (d: MetricDatum) => boolean) =>
  data.filter((d) => d.MetricName === name && where(d)).reduce((sum, d) => sum + (d.Counts?.reduce((s, c) => s + c, 0) ?? 1), 0);

function publishAll(forwarded: Array<[TargetGroupKind, ServedRequest]>): MetricDatum[] {
  const tally = new AlbMetricTally();
  for (const [kind, request] of forwarded) tally.record(GROUPS[kind], kind, request);
  return tally.take(Infinity).flatMap(([minute, minuteTally]) => metricData(BALANCER, minute, minuteTally));
}

test('over any requests, every metric adds up to what the requests were', () => {
  fc.assert(
    fc.property(arbitraryForwarded, (forwarded) => {
      const data = publishAll(forwarded);
      const requests = forwarded.map(([, r]) => r);
      const count = (where: (r: ServedRequest, kind: TargetGroupKind) => boolean) => forwarded.filter(([kind, r]) => where(r, kind)).length;
      const is5xx = (r: ServedRequest) => r.status !== undefined && r.status >= 500;
      expect(total(data, LB.requests, isBalancerOnly)).toBe(count((r) => r.targetChosen));
      expect(total(data, LB.elb5xx, isBalancerOnly)).toBe(count((r) => is5xx(r) && r.answeredBy === 'load-balancer'));
      for (const [status, name] of [
        [502, LB.elb502],
        [503, LB.elb503],
        [504, LB.elb504],
      ] as const)
        expect(total(data, name, isBalancerOnly)).toBe(count((r) => r.status === status && r.answeredBy === 'load-balancer'));
      for (const kind of ['lambda', 'ip'] as const) {
        const ofGroup = (d: MetricDatum) => groupOf(d) === SUFFIX[kind];
        const inGroup = (where: (r: ServedRequest) => boolean) => count((r, k) => k === kind && where(r));
        expect(total(data, TG.requests, ofGroup)).toBe(inGroup((r) => r.targetChosen));
        expect(total(data, TG.target5xx, ofGroup)).toBe(inGroup((r) => is5xx(r) && r.answeredBy === 'target'));
        expect(samples(data, TG.responseTime, ofGroup)).toBe(inGroup((r) => r.targetResponseSeconds !== undefined));
        expect(total(data, TG.lambdaUserError, ofGroup)).toBe(kind === 'lambda' ? inGroup((r) => r.lambdaError === 'user') : 0);
        expect(total(data, TG.lambdaInternalError, ofGroup)).toBe(kind === 'lambda' ? inGroup((r) => r.lambdaError === 'internal') : 0);
        expect(total(data, TG.connectionErrors, ofGroup)).toBe(
          kind === 'ip' ? forwarded.filter(([k]) => k === 'ip').reduce((s, [, r]) => s + r.targetConnectionErrors, 0) : 0,
        );
      }
      for (const datum of data) {
        // A whole minute, UTC, in which some request ended.
        expect(requests.some((r) => minuteOf(r.at) === datum.Timestamp!.getTime())).toBe(true);
        // "Reported if there is a nonzero value", except RequestCount, always reported while requests flow.
        if (datum.MetricName !== TG.requests) expect(datum.Value ?? 1).toBeGreaterThan(0);
        if (datum.Values) {
          expect(datum.Values.length).toBeLessThanOrEqual(MAX_VALUES_PER_DATUM);
          expect(datum.Counts).toHaveLength(datum.Values.length);
        }
        expect(datum.Unit).toBe(datum.MetricName === TG.responseTime ? 'Seconds' : 'Count');
      }
    }),
  );
});

test('a minute is split by when each request ended', () => {
  const data = publishAll([
    ['ip', served({ at: T0 + 59_999 })],
    ['ip', served({ at: T0 + 60_000 })],
    ['ip', served({ at: T0 + 61_000 })],
  ]);
  const requestCounts = data.filter((d) => d.MetricName === LB.requests && isBalancerOnly(d));
  expect(requestCounts.map((d) => [d.Timestamp!.toISOString(), d.Value])).toEqual([
    ['2026-12-02T20:00:00.000Z', 1],
    ['2026-12-02T20:01:00.000Z', 2],
  ]);
});

test('RequestCount is reported, zero included, for a group whose requests found no target; the other counts are not', () => {
  const data = publishAll([
    ['ip', served({ targetChosen: false, status: 503, answeredBy: 'load-balancer', targetResponseSeconds: undefined })],
  ]);
  expect(data.map((d) => [d.MetricName, groupOf(d) ?? 'load balancer', d.Value])).toEqual([
    [LB.requests, 'load balancer', 0],
    [LB.elb5xx, 'load balancer', 1],
    [LB.elb503, 'load balancer', 1],
    [TG.requests, SUFFIX.ip, 0],
  ]);
});

test('the IP target group is reported under the dimensions the contract gives, response times as values with counts', () => {
  const data = publishAll([
    ['ip', served({ targetResponseSeconds: 0.012 })],
    ['ip', served({ targetResponseSeconds: 0.012 })],
    ['ip', served({ targetResponseSeconds: 1.5 })],
  ]);
  expect(data.find((d) => d.MetricName === TG.responseTime)).toEqual({
    MetricName: TG.responseTime,
    Dimensions: [
      { Name: 'LoadBalancer', Value: 'app/switchyard-dev/50dc6c495c0c9188' },
      { Name: 'TargetGroup', Value: SUFFIX.ip },
    ],
    Timestamp: new Date(T0),
    Values: [0.012, 1.5],
    Counts: [2, 1],
    Unit: 'Seconds',
  });
});

test('host counts are the samples of the minute, zeros included, for each minute they were taken', () => {
  const tally = new AlbMetricTally();
  tally.recordHealth(T0 + 5_000, GROUPS.ip, { healthy: 2, unhealthy: 0 });
  tally.recordHealth(T0 + 15_000, GROUPS.ip, { healthy: 1, unhealthy: 1 });
  tally.recordHealth(T0 + 25_000, GROUPS.ip, { healthy: 2, unhealthy: 0 });
  const data = tally.take(Infinity).flatMap(([minute, t]) => metricData(BALANCER, minute, t));
  expect(data.map((d) => [d.MetricName, d.Values, d.Counts])).toEqual([
    [TG.healthyHosts, [1, 2], [1, 2]],
    [TG.unhealthyHosts, [0, 1], [2, 1]],
  ]);
});

test('take gives the minutes before a time, oldest first, and a late request starts its minute afresh', () => {
  const tally = new AlbMetricTally();
  tally.record(GROUPS.ip, 'ip', served({ at: T0 + 61_000 }));
  tally.record(GROUPS.ip, 'ip', served({ at: T0 + 1_000 }));
  expect(tally.take(T0 + 60_000).map(([minute]) => minute)).toEqual([T0]);
  tally.record(GROUPS.ip, 'ip', served({ at: T0 + 2_000 }));
  const rest = tally.take(Infinity);
  expect(rest.map(([minute, t]) => [minute, t.requests])).toEqual([
    [T0, 1],
    [T0 + 60_000, 1],
  ]);
  expect(tally.take(Infinity)).toEqual([]);
});

test('more distinct response times in a minute than one datum takes go out in several datums of the same minute', () => {
  const data = publishAll(
    Array.from({ length: 400 }, (_, ms) => ['ip', served({ targetResponseSeconds: ms / 1000 })] as [TargetGroupKind, ServedRequest]),
  );
  const times = data.filter((d) => d.MetricName === TG.responseTime);
  expect(times.map((d) => d.Values!.length)).toEqual([150, 150, 100]);
  expect(new Set(times.map((d) => d.Timestamp!.getTime()))).toEqual(new Set([T0]));
});
