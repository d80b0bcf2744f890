import type { MetricDatum } from '@aws-sdk/client-cloudwatch';
import { LOAD_BALANCER_METRICS as LB, TARGET_GROUP_METRICS as TG } from '@switchyard/infra/alb-metrics';
import { AlbMetricsPublisher, HEALTH_SAMPLE_MS, PUBLISH_DELAY_MS, type AlbMetricsPublisherOptions } from './alb-metrics-publisher';
import type { ServedRequest } from './request-log';

/*
 * The publisher on a clock the test moves: nothing here waits for a real minute to pass.
 */

const BALANCER = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/switchyard-dev/50dc6c495c0c9188';
const IP_GROUP = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/switchyard-fargate/ee55ff66aa77bb88';
const T0 = Date.UTC(2026, 11, 2, 20, 0, 0);

const served = (at: number): ServedRequest => ({
  at,
  targetChosen: true,
  status: 200,
  answeredBy: 'target',
  targetResponseSeconds: 0.01,
  targetConnectionErrors: 0,
  lambdaError: undefined,
});

function publisher(options: Partial<AlbMetricsPublisherOptions> = {}) {
  const clock = { now: T0 };
  const calls: MetricDatum[][] = [];
  const lines: string[] = [];
  const metrics = new AlbMetricsPublisher({
    loadBalancerArn: BALANCER,
    putMetricData: async (data) => void calls.push(data),
    ipTargetHealth: () => Promise.resolve({ targetGroupArn: IP_GROUP, hosts: { healthy: 2, unhealthy: 0 } }),
    now: () => clock.now,
    log: (line) => lines.push(line),
    ...options,
  });
  /** The load balancer's RequestCount datapoints published so far: [minute, value]. */
  const requestCounts = () =>
    calls
      .flat()
      .flatMap((d) => (d.MetricName === LB.requests && d.Dimensions!.length === 1 ? [[d.Timestamp!.getTime() - T0, d.Value]] : []));
  return { metrics, clock, calls, lines, requestCounts };
}

test('a minute is published once it has closed, timestamped at its start, and not before', async () => {
  const { metrics, clock, requestCounts } = publisher();
  metrics.record(IP_GROUP, 'ip', served(T0 + 1_000));
  clock.now = T0 + 59_000;
  await metrics.publishClosedMinutes();
  expect(requestCounts()).toEqual([]);
  clock.now = T0 + 60_000;
  await metrics.publishClosedMinutes();
  expect(requestCounts()).toEqual([[0, 1]]);
  await metrics.publishClosedMinutes();
  expect(requestCounts()).toEqual([[0, 1]]);
});

test('a request logged after its minute went out is published with the next, under its own minute', async () => {
  const { metrics, clock, requestCounts } = publisher();
  metrics.record(IP_GROUP, 'ip', served(T0 + 1_000));
  clock.now = T0 + 62_000;
  await metrics.publishClosedMinutes();
  metrics.record(IP_GROUP, 'ip', served(T0 + 59_900));
  metrics.record(IP_GROUP, 'ip', served(T0 + 61_000));
  clock.now = T0 + 122_000;
  await metrics.publishClosedMinutes();
  // CloudWatch adds up datapoints of one minute: a Sum over it is 2.
  expect(requestCounts()).toEqual([
    [0, 1],
    [0, 1],
    [60_000, 1],
  ]);
});

test("flush publishes the minute that is still open, with a look at the targets' health", async () => {
  const { metrics, clock, calls, requestCounts } = publisher();
  clock.now = T0 + 10_000;
  metrics.record(IP_GROUP, 'ip', served(T0 + 9_000));
  await metrics.flush();
  expect(requestCounts()).toEqual([[0, 1]]);
  expect(calls.flat().find((d) => d.MetricName === TG.healthyHosts)).toMatchObject({ Timestamp: new Date(T0), Values: [2], Counts: [1] });
});

test('a PutMetricData that fails is logged, and the next minute still goes out', async () => {
  let fail = true;
  const { metrics, clock, lines, calls } = publisher({
    putMetricData: async (data) => {
      if (fail) throw new Error('moto is busy');
      calls.push(data);
    },
  });
  metrics.record(IP_GROUP, 'ip', served(T0 + 1_000));
  clock.now = T0 + 61_000;
  await metrics.publishClosedMinutes();
  fail = false;
  metrics.record(IP_GROUP, 'ip', served(T0 + 62_000));
  clock.now = T0 + 121_000;
  await metrics.publishClosedMinutes();
  expect(lines).toEqual([expect.stringMatching(/datapoints not published: moto is busy/)]);
  expect(calls.flat().filter((d) => d.MetricName === LB.requests && d.Dimensions!.length === 1)).toHaveLength(1);
});

test('request lines HAProxy could not write are reported once each', async () => {
  let dropped = 0;
  const { metrics, lines } = publisher({ droppedLogs: () => Promise.resolve(dropped) });
  await metrics.flush();
  dropped = 3;
  await metrics.flush();
  await metrics.flush();
  expect(lines).toEqual(['metrics: HAProxy could not write 3 request log lines; the metrics miss those requests']);
});

describe('on the timers', () => {
  beforeEach(() => jest.useFakeTimers({ now: T0 + 30_000 }));
  afterEach(() => jest.useRealTimers());

  test('each minute goes out as it closes, health is sampled all along, and stop publishes the rest and leaves no timer', async () => {
    const { metrics, calls, requestCounts } = publisher({ now: Date.now });
    metrics.start();
    metrics.record(IP_GROUP, 'ip', served(Date.now()));
    await jest.advanceTimersByTimeAsync(30_000 + PUBLISH_DELAY_MS - 1);
    expect(calls).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    const first = calls.flat();
    expect(first.find((d) => d.MetricName === LB.requests)).toMatchObject({ Timestamp: new Date(T0), Value: 1 });
    // Sampled every HEALTH_SAMPLE_MS from :30 on: at :40 and :50 (the one at :00 is the next minute's).
    expect(HEALTH_SAMPLE_MS).toBe(10_000);
    expect(first.find((d) => d.MetricName === TG.healthyHosts)).toMatchObject({ Values: [2], Counts: [2] });

    metrics.record(IP_GROUP, 'ip', served(Date.now()));
    await metrics.stop();
    expect(requestCounts()).toEqual([
      [0, 1],
      [60_000, 1],
    ]);
    expect(jest.getTimerCount()).toBe(0);
  });
});
