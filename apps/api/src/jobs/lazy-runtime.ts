import type { JobsConfig } from './jobs-config';
import type { createJobsRuntime, JobsRuntime } from './jobs-runtime';

type Log = Parameters<typeof createJobsRuntime>[1];

/**
 * The job runtime (the AWS SDK's DynamoDB, Lambda and ECS clients: 0.8 MB of bundle) is loaded on
 * the first job request, not at start-up: a Lambda cold start that serves anything else does not
 * read it. The build puts it in a bundle of its own, dist/jobs-runtime.js (build.mjs).
 */
export function lazyJobsRuntime(config: JobsConfig, log: Log): { get(): JobsRuntime; loaded(): JobsRuntime | undefined } {
  let runtime: JobsRuntime | undefined;
  return {
    get() {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      runtime ??= (require('./jobs-runtime') as { createJobsRuntime: typeof createJobsRuntime }).createJobsRuntime(config, log);
      return runtime;
    },
    loaded: () => runtime,
  };
}
