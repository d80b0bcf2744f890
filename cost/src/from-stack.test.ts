import { CloudWatchClient, GetMetricDataCommand, type GetMetricDataCommandOutput } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { metricNamesFromOutputs, observedTraffic, type StackMetricNames } from './from-stack';
import { InputError } from './workload';

const names: StackMetricNames = {
  loadBalancerArnSuffix: 'app/switchyard-dev/50dc6c495c0c9188',
  lambdaFunctionName: 'switchyard-dev-api',
  ecsClusterName: 'switchyard-dev',
  ecsServiceName: 'switchyard-dev-api',
};
const now = new Date('2026-11-29T10:17:00Z');
const hour = (h: number) => new Date(Date.UTC(2026, 10, 28, h));

/** Two pages, as CloudWatch answers GetMetricData when a result is cut at a page boundary. */
const pages: GetMetricDataCommandOutput[] = [
  {
    $metadata: { httpStatusCode: 200, requestId: '0d4a1f93-2f0b-4a1f-9d7e-5d3c8e0a6b21', attempts: 1 },
    MetricDataResults: [
      { Id: 'requests', Label: 'RequestCount', Timestamps: [hour(0), hour(1)], Values: [3600, 7200], StatusCode: 'PartialData' },
      { Id: 'invocations', Label: 'Invocations', Timestamps: [hour(0), hour(1)], Values: [3000, 1000], StatusCode: 'PartialData' },
      { Id: 'duration', Label: 'Duration', Timestamps: [hour(0), hour(1)], Values: [2.0, 10.0], StatusCode: 'PartialData' },
      { Id: 'cpu', Label: 'CPUUtilization', Timestamps: [], Values: [], StatusCode: 'PartialData' },
    ],
    NextToken: 'eyJwYWdlIjoyfQ==',
    Messages: [],
  },
  {
    $metadata: { httpStatusCode: 200, requestId: '8b1e4c7a-93d2-4f5e-a0b6-1c2d3e4f5a6b', attempts: 1 },
    MetricDataResults: [
      { Id: 'requests', Label: 'RequestCount', Timestamps: [hour(2)], Values: [1800], StatusCode: 'Complete' },
      { Id: 'invocations', Label: 'Invocations', Timestamps: [hour(2)], Values: [0], StatusCode: 'Complete' },
      { Id: 'duration', Label: 'Duration', Timestamps: [], Values: [], StatusCode: 'Complete' },
      { Id: 'cpu', Label: 'CPUUtilization', Timestamps: [hour(2)], Values: [12.5], StatusCode: 'Complete' },
    ],
    Messages: [],
  },
];

describe('traffic read from CloudWatch', () => {
  const cloudWatch = mockClient(CloudWatchClient);
  afterEach(() => cloudWatch.reset());

  test("follows every page, and prices what the stack served: its rate, its busiest hour, Lambda's duration", async () => {
    cloudWatch.on(GetMetricDataCommand).resolvesOnce(pages[0]!).resolvesOnce(pages[1]!);
    const observed = await observedTraffic(new CloudWatchClient({ region: 'us-east-1' }), names, { days: 1, now });

    expect(observed.requests).toBe(12_600);
    expect(observed.requestsPerSecond).toBeCloseTo(12_600 / 86_400, 12);
    // The busiest hour served 7,200 requests: 2 a second, against 0.146 on average.
    expect(observed.peakToAverage).toBeCloseTo(2 / (12_600 / 86_400), 9);
    // (3,000 x 2 ms + 1,000 x 10 ms) / 4,000 invocations = 4 ms.
    expect(observed.lambdaInvocations).toBe(4000);
    expect(observed.billedMsPerRequest).toBe(4);
    expect(observed.fargateCpuPercent).toBe(12.5);

    const calls = cloudWatch.commandCalls(GetMetricDataCommand);
    expect(calls).toHaveLength(2);
    expect(calls[1]!.args[0].input.NextToken).toBe('eyJwYWdlIjoyfQ==');
    const input = calls[0]!.args[0].input;
    // Whole hours, ending at the last full one.
    expect(input.EndTime).toEqual(new Date('2026-11-29T10:00:00Z'));
    expect(input.StartTime).toEqual(new Date('2026-11-28T10:00:00Z'));
    const metrics = input.MetricDataQueries!.map((q) => [
      q.Id,
      q.MetricStat!.Metric!.Namespace,
      q.MetricStat!.Metric!.MetricName,
      q.MetricStat!.Stat,
      q.MetricStat!.Period,
    ]);
    expect(metrics).toEqual([
      ['requests', 'AWS/ApplicationELB', 'RequestCount', 'Sum', 3600],
      ['invocations', 'AWS/Lambda', 'Invocations', 'Sum', 3600],
      ['duration', 'AWS/Lambda', 'Duration', 'Average', 3600],
      ['cpu', 'AWS/ECS', 'CPUUtilization', 'Average', 3600],
    ]);
    expect(input.MetricDataQueries![0]!.MetricStat!.Metric!.Dimensions).toEqual([
      { Name: 'LoadBalancer', Value: names.loadBalancerArnSuffix },
    ]);
    expect(input.MetricDataQueries![3]!.MetricStat!.Metric!.Dimensions).toEqual([
      { Name: 'ClusterName', Value: 'switchyard-dev' },
      { Name: 'ServiceName', Value: 'switchyard-dev-api' },
    ]);
  });

  test('a stack that served nothing is refused with what to give instead', async () => {
    cloudWatch.on(GetMetricDataCommand).resolves({
      $metadata: {},
      MetricDataResults: ['requests', 'invocations', 'duration', 'cpu'].map((Id) => ({
        Id,
        Label: Id,
        Timestamps: [],
        Values: [],
        StatusCode: 'Complete',
      })),
      Messages: [],
    });
    await expect(observedTraffic(new CloudWatchClient({ region: 'us-east-1' }), names, { now })).rejects.toThrow(
      new InputError("the stack's ALB served no requests in the last 14 days; give the traffic with --rps instead"),
    );
  });

  test('a query CloudWatch refuses is reported, not priced as zero', async () => {
    cloudWatch.on(GetMetricDataCommand).resolves({
      $metadata: {},
      MetricDataResults: [
        { Id: 'requests', Timestamps: [], Values: [], StatusCode: 'Forbidden', Messages: [{ Code: 'Forbidden', Value: 'not authorized' }] },
      ],
    });
    await expect(observedTraffic(new CloudWatchClient({ region: 'us-east-1' }), names, { now })).rejects.toThrow(
      'CloudWatch answered Forbidden for requests: not authorized',
    );
  });
});

describe("the stack's names, from terraform output -json", () => {
  const output = (value: string) => ({ sensitive: false, type: 'string', value });
  const outputs = {
    load_balancer_arn_suffix: output(names.loadBalancerArnSuffix),
    lambda_function_name: output(names.lambdaFunctionName),
    ecs_cluster_name: output(names.ecsClusterName),
    ecs_service_name: output(names.ecsServiceName),
    service_url: output('http://switchyard-dev-123.us-east-1.elb.amazonaws.com'),
  };

  test('are read by output name', () => {
    expect(metricNamesFromOutputs(JSON.stringify(outputs))).toEqual(names);
  });

  test('a stack deployed before an output existed, or not at all, is named as such', () => {
    const { load_balancer_arn_suffix: _, ...older } = outputs;
    expect(() => metricNamesFromOutputs(JSON.stringify(older))).toThrow(
      'the deployed stack has no load_balancer_arn_suffix output: deploy the current version first',
    );
    expect(() => metricNamesFromOutputs('')).toThrow('deploy it with pnpm cdktf deploy first');
  });
});
