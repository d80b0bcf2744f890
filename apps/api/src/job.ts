import { loadJobsConfig } from './jobs/jobs-config';
import { lazyJobsRuntime } from './jobs/lazy-runtime';
import { executeJob } from './jobs/runner';
import pino from 'pino';
import { loggerOptions } from './logging';
import { loadConfig } from './config';

/**
 * `node dist/job.js <id>`: a one-off Fargate task (or, locally, a process) that runs one job. ECS
 * sends SIGTERM before it stops a task; the job then records INTERRUPTED before the process exits,
 * so a stopped task never leaves its job running.
 */
async function main(): Promise<number> {
  const id = process.argv[2];
  if (!id) {
    console.error('usage: node dist/job.js <job id>');
    return 2;
  }
  const config = loadConfig(process.env);
  const jobs = loadJobsConfig(process.env);
  if (!jobs) {
    console.error('JOBS_TABLE is not set: a job task needs the job table');
    return 2;
  }
  const log = pino(loggerOptions(config.logLevel, 'fargate') as pino.LoggerOptions).child({ jobId: id });
  // The job runtime bundle (dist/jobs-runtime.js) is the one the API loads too: one copy in the image.
  const { store } = lazyJobsRuntime(jobs, log).get();
  const stop = new AbortController();
  for (const signal of ['SIGTERM', 'SIGINT'] as const)
    process.once(signal, () => {
      log.info({ signal }, 'stopping the job');
      stop.abort();
    });
  const outcome = await executeJob(store, id, log, stop.signal);
  if (!outcome.ran) {
    log.warn('the job was not queued (unknown, already taken or finished); nothing to run');
    return 3;
  }
  log.info({ status: outcome.status }, 'job finished');
  return outcome.status === 'succeeded' ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
