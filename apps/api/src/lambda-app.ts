import type { LambdaHttpResult } from '@switchyard/lambda-contract/contract';
import type { Context } from 'aws-lambda';
import { buildApp } from './app';
import { loadConfig } from './config';
import { isJobInvocation } from './jobs/launch';
import { loadJobsConfig } from './jobs/jobs-config';
import { executeJob, type RunOutcome } from './jobs/runner';
import { createLambdaHandler } from './lambda-handler';

// Module scope runs once per execution environment, during Lambda's init phase, so
// a bad environment fails the init with a clear message and plugin loading is not billed per request.
const jobs = loadJobsConfig(process.env);
const app = buildApp({ config: loadConfig(process.env), compute: 'lambda', ...(jobs ? { jobs } : {}) });
const ready = app.ready();
const lambdaHandler = createLambdaHandler(app);

/**
 * Lambda entry. Async with two arguments: Node 24 runtimes reject callback-style handlers. An HTTP
 * event gets an HTTP result; the function's own asynchronous invocation to run a job runs it to the end.
 */
export async function handler(event: unknown, context: Context): Promise<LambdaHttpResult | (RunOutcome & { jobId: string })> {
  await ready;
  if (isJobInvocation(event)) {
    if (!app.jobs) throw new Error('a job invocation arrived, but JOBS_TABLE is not set');
    const jobId = event.switchyardJob.id;
    return { jobId, ...(await executeJob(app.jobs().store, jobId, app.log)) };
  }
  return lambdaHandler(event, context);
}
