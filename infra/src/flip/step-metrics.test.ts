import { bakeWindow, parseBake, stepQueries, stepWindowOf, windowComplete } from './step-metrics';
import type { StackIds } from './stack-ids';

const ids: StackIds = {
  listenerRuleArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/switchyard-dev/1/2/3',
  loadBalancerArnSuffix: 'app/switchyard-dev/50dc6c495c0c9188',
  targetGroups: {
    lambda: {
      arn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/switchyard-dev-lambda/aa',
      arnSuffix: 'targetgroup/switchyard-dev-lambda/aa',
    },
    fargate: {
      arn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/switchyard-dev-fargate/bb',
      arnSuffix: 'targetgroup/switchyard-dev-fargate/bb',
    },
  },
};

describe('the metrics a flip step is judged on', () => {
  test('the window starts at the first whole minute after the change, never inside a minute that mixed two splits', () => {
    expect(bakeWindow(new Date('2026-12-02T20:31:05Z'), 2)).toEqual({
      start: new Date('2026-12-02T20:32:00Z'),
      end: new Date('2026-12-02T20:34:00Z'),
    });
    // A change exactly on a minute's start bakes from that minute.
    expect(bakeWindow(new Date('2026-12-02T20:31:00Z'), 1).start).toEqual(new Date('2026-12-02T20:31:00Z'));
  });

  test.each([
    ['5m', 5],
    ['120s', 2],
    ['1h', 60],
  ])('--bake %s is %i minute(s)', (text, minutes) => expect(parseBake(text)).toBe(minutes));

  test.each(['90s', '0m', '30s', 'soon', '5'])('--bake %s is refused: metrics come in whole minutes', (text) => {
    expect(() => parseBake(text)).toThrow(/must be whole minutes, at least 1/);
  });

  test("both target groups' requests, errors and p99 over the whole window, and the load balancer's own 5XX", () => {
    const queries = stepQueries(ids, bakeWindow(new Date('2026-12-02T20:30:30Z'), 3));
    const byId = Object.fromEntries(queries.map((q) => [q.Id, q.MetricStat!]));
    expect(byId.fargate_p99).toMatchObject({ Stat: 'p99', Period: 180, Metric: { MetricName: 'TargetResponseTime' } });
    expect(byId.fargate_p99!.Metric!.Dimensions).toEqual([
      { Name: 'LoadBalancer', Value: 'app/switchyard-dev/50dc6c495c0c9188' },
      { Name: 'TargetGroup', Value: 'targetgroup/switchyard-dev-fargate/bb' },
    ]);
    const errorMetrics = (compute: string) =>
      queries.filter((q) => q.Id!.startsWith(`${compute}_errors_`)).map((q) => q.MetricStat!.Metric!.MetricName);
    expect(errorMetrics('lambda')).toEqual(['HTTPCode_Target_5XX_Count', 'LambdaUserError', 'LambdaInternalError']);
    expect(errorMetrics('fargate')).toEqual(['HTTPCode_Target_5XX_Count', 'TargetConnectionErrorCount']);
    expect(byId.lb_elb5xx).toMatchObject({
      Stat: 'Sum',
      Metric: { MetricName: 'HTTPCode_ELB_5XX_Count', Dimensions: [{ Name: 'LoadBalancer' }] },
    });
    expect(byId.lb_requests_by_minute).toMatchObject({ Period: 60 });
  });

  test('sums what came, counts what did not come as zero, and reads p99 in milliseconds', () => {
    const window = stepWindowOf(
      {
        values: {
          fargate_requests: [120],
          fargate_errors_0: [3],
          fargate_errors_1: [2],
          fargate_p99: [0.25],
          lambda_requests: [480],
          lb_requests: [600],
          lb_elb5xx: [4],
        },
        minutesReported: [],
      },
      'fargate',
    );
    expect(window).toEqual({
      candidate: 'fargate',
      computes: { fargate: { requests: 120, errors: 5, p99Ms: 250 }, lambda: { requests: 480, errors: 0, p99Ms: undefined } },
      loadBalancer: { requests: 600, elb5xx: 4 },
    });
  });

  test("the window is complete once its last minute's requests are reported", () => {
    const window = bakeWindow(new Date('2026-12-02T20:30:30Z'), 2);
    const minute = (iso: string) => new Date(iso).getTime();
    expect(windowComplete({ values: {}, minutesReported: [minute('2026-12-02T20:31:00Z')] }, window)).toBe(false);
    expect(windowComplete({ values: {}, minutesReported: [minute('2026-12-02T20:31:00Z'), minute('2026-12-02T20:32:00Z')] }, window)).toBe(
      true,
    );
  });
});
