import { CloudWatchClient, GetMetricDataCommand, type MetricDataQuery, type MetricDataResult } from '@aws-sdk/client-cloudwatch';
import { InputError } from './workload';

/** The deployed stack's names that its metrics are filed under, from its Terraform outputs. */
export interface StackMetricNames {
  readonly loadBalancerArnSuffix: string;
  readonly lambdaFunctionName: string;
  readonly ecsClusterName: string;
  readonly ecsServiceName: string;
}

/** What the stack served over the period, as inputs to the model. */
export interface ObservedTraffic {
  readonly days: number;
  readonly requests: number;
  readonly requestsPerSecond: number;
  /** The busiest hour's rate over the average, at least 1. */
  readonly peakToAverage: number;
  readonly lambdaInvocations: number;
  /** Lambda's average duration, weighted by invocations, rounded up to the millisecond; absent with no invocations. */
  readonly billedMsPerRequest?: number;
  /** Fargate's average CPU over the hours it ran; absent when no task ran. */
  readonly fargateCpuPercent?: number;
}

export const DEFAULT_DAYS = 14;
/** Hourly points: 14 days are 336 of them, well inside GetMetricData's 100,800 points a call. */
const PERIOD_SECONDS = 3600;

const OUTPUT_NAMES: Record<keyof StackMetricNames, string> = {
  loadBalancerArnSuffix: 'load_balancer_arn_suffix',
  lambdaFunctionName: 'lambda_function_name',
  ecsClusterName: 'ecs_cluster_name',
  ecsServiceName: 'ecs_service_name',
};

/** Reads the names from `terraform output -json`; says which output is missing (a stack deployed before it existed). */
export function metricNamesFromOutputs(outputsJson: string): StackMetricNames {
  let outputs: Record<string, { value?: unknown }>;
  try {
    outputs = JSON.parse(outputsJson) as Record<string, { value?: unknown }>;
  } catch {
    throw new InputError('the stack has no readable outputs: deploy it with pnpm cdktf deploy first');
  }
  const names = Object.fromEntries(
    Object.entries(OUTPUT_NAMES).map(([key, output]) => {
      const value = outputs[output]?.value;
      if (typeof value !== 'string' || !value)
        throw new InputError(`the deployed stack has no ${output} output: deploy the current version first`);
      return [key, value];
    }),
  );
  return names as unknown as StackMetricNames;
}

function queries(names: StackMetricNames): MetricDataQuery[] {
  const stat = (id: string, namespace: string, metric: string, dimensions: Record<string, string>, statistic: string): MetricDataQuery => ({
    Id: id,
    MetricStat: {
      Metric: {
        Namespace: namespace,
        MetricName: metric,
        Dimensions: Object.entries(dimensions).map(([Name, Value]) => ({ Name, Value })),
      },
      Period: PERIOD_SECONDS,
      Stat: statistic,
    },
    ReturnData: true,
  });
  return [
    stat('requests', 'AWS/ApplicationELB', 'RequestCount', { LoadBalancer: names.loadBalancerArnSuffix }, 'Sum'),
    stat('invocations', 'AWS/Lambda', 'Invocations', { FunctionName: names.lambdaFunctionName }, 'Sum'),
    stat('duration', 'AWS/Lambda', 'Duration', { FunctionName: names.lambdaFunctionName }, 'Average'),
    stat('cpu', 'AWS/ECS', 'CPUUtilization', { ClusterName: names.ecsClusterName, ServiceName: names.ecsServiceName }, 'Average'),
  ];
}

/** Every point of every query, following NextToken, keyed by query id and then by timestamp. */
async function fetchSeries(client: CloudWatchClient, names: StackMetricNames, start: Date, end: Date) {
  const series = new Map<string, Map<number, number>>();
  let nextToken: string | undefined;
  do {
    const page = await client.send(
      new GetMetricDataCommand({
        StartTime: start,
        EndTime: end,
        MetricDataQueries: queries(names),
        ScanBy: 'TimestampAscending',
        NextToken: nextToken,
      }),
    );
    for (const result of page.MetricDataResults ?? []) addPoints(series, result);
    nextToken = page.NextToken;
  } while (nextToken);
  return series;
}

function addPoints(series: Map<string, Map<number, number>>, result: MetricDataResult): void {
  if (!result.Id) return;
  if (result.StatusCode === 'Forbidden' || result.StatusCode === 'InternalError')
    throw new Error(`CloudWatch answered ${result.StatusCode} for ${result.Id}: ${result.Messages?.map((m) => m.Value).join('; ') ?? ''}`);
  const points = series.get(result.Id) ?? new Map<number, number>();
  (result.Timestamps ?? []).forEach((timestamp, i) => {
    const value = result.Values?.[i];
    if (value !== undefined) points.set(new Date(timestamp).getTime(), value);
  });
  series.set(result.Id, points);
}

/**
 * The last `days` of the stack's traffic from CloudWatch: the ALB's RequestCount (every request,
 * whichever compute served it), Lambda's Invocations and Duration, and the ECS service's CPU.
 */
export async function observedTraffic(
  client: CloudWatchClient,
  names: StackMetricNames,
  { days = DEFAULT_DAYS, now = new Date() }: { days?: number; now?: Date } = {},
): Promise<ObservedTraffic> {
  // Whole hours, so every point covers a full period.
  const end = new Date(Math.floor(now.getTime() / (PERIOD_SECONDS * 1000)) * PERIOD_SECONDS * 1000);
  const start = new Date(end.getTime() - days * 86_400_000);
  const series = await fetchSeries(client, names, start, end);
  const values = (id: string) => [...(series.get(id)?.values() ?? [])];
  const requestsByHour = values('requests');
  const requests = requestsByHour.reduce((a, b) => a + b, 0);
  if (requests <= 0)
    throw new InputError(`the stack's ALB served no requests in the last ${days} days; give the traffic with --rps instead`);
  const requestsPerSecond = requests / (days * 86_400);
  const busiest = Math.max(...requestsByHour) / PERIOD_SECONDS;

  const invocations = series.get('invocations') ?? new Map<number, number>();
  const lambdaInvocations = [...invocations.values()].reduce((a, b) => a + b, 0);
  let weighted = 0;
  for (const [timestamp, average] of series.get('duration') ?? []) weighted += average * (invocations.get(timestamp) ?? 0);
  const cpu = values('cpu');
  return {
    days,
    requests,
    requestsPerSecond,
    peakToAverage: Math.min(24, Math.max(1, busiest / requestsPerSecond)),
    lambdaInvocations,
    ...(lambdaInvocations > 0 ? { billedMsPerRequest: Math.max(1, Math.ceil(weighted / lambdaInvocations)) } : {}),
    ...(cpu.length ? { fargateCpuPercent: cpu.reduce((a, b) => a + b, 0) / cpu.length } : {}),
  };
}

/** The SDK's own credential chain decides; without credentials, say what to set rather than print the SDK's error. */
export async function assertCredentials(client: CloudWatchClient): Promise<void> {
  try {
    await client.config.credentials();
  } catch {
    throw new InputError(
      'no AWS credentials: set AWS_PROFILE (after aws sso login), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, and the region with AWS_REGION; the role needs cloudwatch:GetMetricData',
    );
  }
}
