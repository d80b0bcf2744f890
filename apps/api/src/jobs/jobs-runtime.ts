import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createJobLauncher, type JobLauncher } from './launch';
import type { JobsConfig } from './jobs-config';
import { JobStore } from './store';

type Log = Parameters<typeof createJobLauncher>[2];

/** What the job routes and the job entrypoints share: the table, and the launcher for each placement. */
export interface JobsRuntime {
  readonly config: JobsConfig;
  readonly store: JobStore;
  readonly launcher: JobLauncher;
}

/**
 * The SDK reads its endpoint from AWS_ENDPOINT_URL_DYNAMODB (and _LAMBDA, _ECS) when set: that is how
 * `pnpm start` points the same code at dynalite and the local stand-ins for Lambda and ECS.
 */
export function createJobsRuntime(config: JobsConfig, log: Log, client = new DynamoDBClient({ maxAttempts: 6 })): JobsRuntime {
  const store = new JobStore(config.tableName, client);
  return { config, store, launcher: createJobLauncher(config, store, log) };
}
