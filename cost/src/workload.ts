import { ENVIRONMENTS, type EnvironmentConfig } from '@switchyard/infra/environments';
import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';
import { billedMs, type MeasuredCosts } from './measured';
import type { Workload } from './model';
import { ARCHITECTURES, REGION_MULTIPLIERS } from './prices';

/** Traffic levels priced when none is given: a quiet service, a busy one, and one in between. */
export const DEFAULT_REQUESTS_PER_SECOND = [1, 10, 100];
/** The CPU a task is kept at when scaling; the and AWS's usual target tracking figure. */
export const DEFAULT_TARGET_CPU_PERCENT = 60;

/**
 * Assumptions about traffic the bench cannot measure, each a flag. Bytes: a small JSON request and
 * answer with their headers. Connections: clients that keep a connection open for a few requests.
 * Logs: one request line is about 250 bytes, and Lambda adds START, END and REPORT lines of about
 * 300 bytes together.
 */
export const TRAFFIC_DEFAULTS = {
  bytesPerRequest: 2048,
  requestsPerConnection: 10,
  connectionSeconds: 10,
  logBytesPerRequest: 250,
  lambdaPlatformLogBytes: 300,
} as const;

const Positive = (description: string) => Type.Number({ exclusiveMinimum: 0, description });

/** The inputs, from flags or a workload file (JSON, the same names). Every one is optional. */
export const WorkloadInput = Type.Object(
  {
    environment: Type.String({ description: 'dev or prod: task size, minimum tasks, NAT, Lambda memory' }),
    requestsPerSecond: Type.Array(Positive('average requests a second'), { minItems: 1 }),
    peakToAverage: Type.Number({ minimum: 1, maximum: 24, description: 'busiest hour over the average; 1 is flat' }),
    lambdaMemoryMb: Type.Integer({ minimum: 128, maximum: 10240, description: 'Lambda memory, 128 to 10,240 MB' }),
    billedMsPerRequest: Type.Number({ exclusiveMinimum: 0, maximum: 900_000, description: 'Lambda billed duration of one request' }),
    architecture: Type.Union([Type.Literal('x86_64'), Type.Literal('arm64')], { description: 'x86_64 or arm64' }),
    region: Type.String({ description: 'an AWS region with prices here' }),
    targetCpuPercent: Type.Number({ minimum: 1, maximum: 100, description: 'CPU a Fargate task is kept at' }),
    requestsPerVcpuSecond: Positive('requests one Fargate vCPU serves a second at 100% CPU'),
    fargateSpot: Type.Boolean(),
    lambdaFreeTier: Type.Boolean(),
    fargateStandby: Type.Boolean(),
    bytesPerRequest: Positive('request and response bytes'),
    requestsPerConnection: Type.Number({ minimum: 1 }),
    connectionSeconds: Positive('how long a client connection stays open'),
  },
  { additionalProperties: false },
);
export type WorkloadInput = Partial<Static<typeof WorkloadInput>>;

export class InputError extends Error {
  override name = 'InputError';
}

/** The flag for each field, so a message names what the user typed. */
const FLAGS: Readonly<Record<string, string>> = {
  environment: 'the environment',
  requestsPerSecond: '--rps',
  peakToAverage: '--peak',
  lambdaMemoryMb: '--memory',
  billedMsPerRequest: '--duration-ms',
  architecture: '--arch',
  region: '--region',
  targetCpuPercent: '--target-cpu',
  requestsPerVcpuSecond: '--rps-per-vcpu',
  fargateSpot: '--spot',
  lambdaFreeTier: '--free-tier',
  fargateStandby: '--standby',
  bytesPerRequest: '--bytes-per-request',
  requestsPerConnection: '--requests-per-connection',
  connectionSeconds: '--connection-seconds',
};

/** Every problem with the inputs, one per field, named by flag and field, so one run reports them all. */
export function inputProblems(input: unknown): string[] {
  const schema = Type.Partial(WorkloadInput, { additionalProperties: false });
  const byField = new Map<string, string>();
  for (const error of Value.Errors(schema, input)) {
    const params = error.params as { additionalProperties?: string[] } | undefined;
    if (params?.additionalProperties) {
      for (const name of params.additionalProperties) byField.set(name, `unknown field ${name}; known: ${Object.keys(FLAGS).join(', ')}`);
      continue;
    }
    const path = error.instancePath.replace(/^\//, '').split('/');
    const field = path[0] ?? '';
    if (!field || byField.has(field) || error.message === 'schema is false') continue;
    const got = JSON.stringify(path.reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], input));
    const message = field === 'architecture' ? `must be ${ARCHITECTURES.join(' or ')}` : error.message;
    const where = path.length > 1 ? ` (item ${Number(path[1]) + 1})` : '';
    byField.set(field, `${FLAGS[field] ?? field} (${field})${where} ${message}; got ${got}`);
  }
  const problems = [...byField.values()];
  const value = input as WorkloadInput;
  if (problems.length === 0) {
    if (value.environment !== undefined && !ENVIRONMENTS[value.environment])
      problems.push(`environment "${value.environment}" is not one of ${Object.keys(ENVIRONMENTS).join(', ')}`);
    if (value.region !== undefined && REGION_MULTIPLIERS[value.region] === undefined)
      problems.push(`region "${value.region}" has no prices here; known: ${Object.keys(REGION_MULTIPLIERS).join(', ')}`);
    if (value.fargateSpot && value.architecture === 'arm64') problems.push('Fargate Spot runs x86_64 tasks only');
  }
  return problems;
}

export interface PricedWorkload {
  readonly environment: EnvironmentConfig;
  readonly levels: readonly Workload[];
  /** Where each default came from, for the report. */
  readonly sources: { readonly billedMsPerRequest: string; readonly requestsPerVcpuSecond: string };
}

/** Inputs over the environment's settings over the measured defaults; throws InputError listing every problem. */
export function buildWorkload(input: WorkloadInput, measured: () => MeasuredCosts): PricedWorkload {
  const problems = inputProblems(input);
  if (problems.length) throw new InputError(problems.join('\n'));
  const environment = ENVIRONMENTS[input.environment ?? 'dev']!;
  const architecture = input.architecture ?? environment.architecture;
  if (input.fargateSpot && architecture === 'arm64')
    throw new InputError(`Fargate Spot runs x86_64 tasks only, and ${environment.name} is arm64`);
  const memoryMb = input.lambdaMemoryMb ?? environment.lambda.memoryMiB;
  const needsMeasure = input.billedMsPerRequest === undefined || input.requestsPerVcpuSecond === undefined;
  const measure = needsMeasure ? measured() : undefined;
  const billed =
    input.billedMsPerRequest !== undefined
      ? Math.max(1, Math.ceil(input.billedMsPerRequest))
      : billedMs(measure!.lambdaCpuMsPerRequest, memoryMb);
  const perVcpu = input.requestsPerVcpuSecond ?? measure!.requestsPerVcpuSecond;
  const base = {
    peakToAverage: input.peakToAverage ?? 1,
    region: input.region ?? environment.region,
    architecture,
    lambda: { memoryMb, billedMsPerRequest: billed, freeTier: input.lambdaFreeTier ?? false },
    fargate: {
      vcpu: environment.fargate.cpu / 1024,
      memoryGb: environment.fargate.memoryMiB / 1024,
      minTasks: environment.fargate.minTasks,
      maxTasks: environment.fargate.maxTasks,
      requestsPerVcpuSecond: perVcpu,
      targetCpuPercent: input.targetCpuPercent ?? DEFAULT_TARGET_CPU_PERCENT,
      requestsPerTaskPerMinute: environment.fargate.targetRequestsPerTask,
      spot: input.fargateSpot ?? false,
      standby: input.fargateStandby ?? false,
    },
    network: { natGateway: environment.network.natGateway, availabilityZones: environment.availabilityZoneSuffixes.length },
    traffic: {
      ...TRAFFIC_DEFAULTS,
      ...(input.bytesPerRequest === undefined ? {} : { bytesPerRequest: input.bytesPerRequest }),
      ...(input.requestsPerConnection === undefined ? {} : { requestsPerConnection: input.requestsPerConnection }),
      ...(input.connectionSeconds === undefined ? {} : { connectionSeconds: input.connectionSeconds }),
    },
  };
  const cpuMs = measure ? ` (${measure.lambdaCpuMsPerRequest.toFixed(3)} ms of CPU on one core, at ${memoryMb} MB)` : '';
  return {
    environment,
    levels: (input.requestsPerSecond ?? DEFAULT_REQUESTS_PER_SECOND).map((requestsPerSecond) => ({ ...base, requestsPerSecond })),
    sources: {
      billedMsPerRequest: input.billedMsPerRequest !== undefined ? 'given' : `measured by pnpm bench${cpuMs}, ${measure!.source}`,
      requestsPerVcpuSecond: input.requestsPerVcpuSecond !== undefined ? 'given' : `measured by pnpm bench, ${measure!.source}`,
    },
  };
}
