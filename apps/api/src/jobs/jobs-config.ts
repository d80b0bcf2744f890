import { DEFAULT_JOB_INLINE_MAX_MS, MAX_JOB_INLINE_MS } from '@switchyard/domain/timing-budget';
import { ConfigError } from '../config';
import { JOB_ENV } from './job-environment';

/** Where a one-off job task runs: the job task definition, in the service's own subnets and security group. */
export interface JobTaskConfig {
  cluster: string;
  taskDefinition: string;
  containerName: string;
  subnets: string[];
  securityGroups: string[];
  assignPublicIp: boolean;
}

export interface JobsConfig {
  tableName: string;
  /** A job expected to run longer goes to a one-off Fargate task. */
  inlineMaxMs: number;
  /** Set by Lambda in every function's environment; the function invokes itself by it. */
  functionName?: string;
  task?: JobTaskConfig;
}

const TASK_VARIABLES = [JOB_ENV.cluster, JOB_ENV.taskDefinition, JOB_ENV.subnets, JOB_ENV.securityGroups] as const;

const list = (value: string) =>
  value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);

/**
 * Jobs are on when JOBS_TABLE names their table. The task variables come together or not at all:
 * without them, a job too long to run inline fails at once, saying what is missing.
 */
export function loadJobsConfig(env: NodeJS.ProcessEnv = process.env): JobsConfig | undefined {
  const tableName = env[JOB_ENV.table]?.trim();
  if (!tableName) return undefined;
  const inlineText = env[JOB_ENV.inlineMaxMs] ?? String(DEFAULT_JOB_INLINE_MAX_MS);
  const inlineMaxMs = Number(inlineText);
  if (!/^\d+$/.test(inlineText) || inlineMaxMs > MAX_JOB_INLINE_MS)
    throw new ConfigError(
      `Invalid environment: ${JOB_ENV.inlineMaxMs} must be a whole number of milliseconds from 0 to ${MAX_JOB_INLINE_MS}; got "${inlineText}".`,
    );
  const given = TASK_VARIABLES.filter((name) => env[name]?.trim());
  if (given.length && given.length < TASK_VARIABLES.length)
    throw new ConfigError(
      `Invalid environment: set all of ${TASK_VARIABLES.join(', ')} or none; missing ${TASK_VARIABLES.filter((n) => !given.includes(n)).join(', ')}.`,
    );
  const task: JobTaskConfig | undefined = given.length
    ? {
        cluster: env[JOB_ENV.cluster]!.trim(),
        taskDefinition: env[JOB_ENV.taskDefinition]!.trim(),
        containerName: env[JOB_ENV.containerName]?.trim() || 'api',
        subnets: list(env[JOB_ENV.subnets]!),
        securityGroups: list(env[JOB_ENV.securityGroups]!),
        assignPublicIp: env[JOB_ENV.assignPublicIp] === 'true',
      }
    : undefined;
  const functionName = env.AWS_LAMBDA_FUNCTION_NAME?.trim();
  return { tableName, inlineMaxMs, ...(functionName ? { functionName } : {}), ...(task ? { task } : {}) };
}
