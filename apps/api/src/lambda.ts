import type { LambdaHttpResult } from '@switchyard/lambda-local/contract';
import type { Context } from 'aws-lambda';
import { buildApp } from './app';
import { loadConfig } from './config';
import { createLambdaHandler } from './lambda-handler';

// Module scope runs once per execution environment, during Lambda's init phase, so
// a bad environment fails the init with a clear message and plugin loading is not billed per request.
const app = buildApp({ config: loadConfig(process.env), compute: 'lambda' });
const ready = app.ready();
const lambdaHandler = createLambdaHandler(app);

/** Lambda entry. Async with two arguments: Node 24 runtimes reject callback-style handlers. */
export async function handler(event: unknown, context: Context): Promise<LambdaHttpResult> {
  await ready;
  return lambdaHandler(event, context);
}
