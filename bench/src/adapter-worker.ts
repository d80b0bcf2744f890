import { buildApp } from '@switchyard/api/app';
import { loadConfig } from '@switchyard/api/config';
import type { EventKind, LambdaHttpHandler } from '@switchyard/lambda-contract/contract';
import { toLambdaEvent } from '@switchyard/lambda-local/events';
import { lambdaContext } from '@switchyard/lambda-local/gateway';
import { readLambdaResult } from '@switchyard/lambda-local/results';
import serverlessExpress from '@vendia/serverless-express';
import { join } from 'node:path';
import { API_DIST, PEERS } from './paths';

/*
 * Runs in its own process (stdout to /dev/null, so request logs cost what they cost without
 * flooding the terminal) and reports invocations per second over IPC.
 */
type Invoke = () => Promise<unknown>;
type Check = () => Promise<{ statusCode: number; body: string }>;
interface Job {
  rounds: number;
  seconds: number;
}

const request = { method: 'GET', path: '/hello', query: 'name=bench' };
const context = lambdaContext('bench', 30_000);

async function targets(): Promise<Record<string, { invoke: Invoke; check: Check }>> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ours = (require(join(API_DIST, 'lambda.js')) as { handler: LambdaHttpHandler }).handler;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { app: expressApp } = require(join(PEERS, 'express-app.js')) as { app: Parameters<typeof serverlessExpress>[0]['app'] };
  const wrappedExpress = serverlessExpress({ app: expressApp }) as unknown as LambdaHttpHandler;
  const bare = buildApp({ config: loadConfig(process.env), compute: 'lambda' });
  await bare.ready();
  // The event is built once, as Lambda hands it over; only the handler's work is timed.
  const viaLambda = (handler: LambdaHttpHandler, kind: EventKind) => {
    const event = toLambdaEvent(kind, request);
    return {
      invoke: () => handler(event, context),
      check: async () => {
        const response = readLambdaResult(await handler(event, context));
        return { statusCode: response.statusCode, body: response.body.toString() };
      },
    };
  };
  const inject = () => bare.inject({ method: 'GET', url: '/hello?name=bench' });
  return {
    'switchyard-alb': viaLambda(ours, 'alb'),
    'switchyard-v2': viaLambda(ours, 'api-gateway-v2'),
    'serverless-express-alb': viaLambda(wrappedExpress, 'alb'),
    'serverless-express-v2': viaLambda(wrappedExpress, 'api-gateway-v2'),
    inject: { invoke: inject, check: async () => inject() },
  };
}

async function invocationsPerSecond(invoke: Invoke, seconds: number): Promise<number> {
  const started = process.hrtime.bigint();
  const until = started + BigInt(Math.round(seconds * 1e9));
  let count = 0;
  while (process.hrtime.bigint() < until) {
    await invoke();
    count += 1;
    // Between invocations the runtime client goes back to the event loop (it polls the Runtime API
    // over HTTP), where Node runs the close and cleanup callbacks an injected request leaves behind.
    // A loop of awaits alone never gets there, and the heap grows by about 10 KB per invocation.
    if (count % 100 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  return count / (Number(process.hrtime.bigint() - started) / 1e9);
}

process.once('message', (job: Job) => {
  void (async () => {
    const all = await targets();
    for (const [name, { invoke, check }] of Object.entries(all)) {
      const first = await check();
      if (first.statusCode !== 200 || !first.body.includes('Hello, bench'))
        throw new Error(`${name} answered ${first.statusCode}: ${first.body}`);
      await invocationsPerSecond(invoke, 1);
    }
    const figures: Record<string, number[]> = Object.fromEntries(Object.keys(all).map((name) => [name, []]));
    for (let round = 0; round < job.rounds; round++) {
      for (const [name, { invoke }] of Object.entries(all)) figures[name]?.push(await invocationsPerSecond(invoke, job.seconds));
    }
    process.send?.(figures, () => process.exit(0));
  })().catch((err: unknown) => {
    process.send?.({ error: (err as Error).stack ?? String(err) }, () => process.exit(1));
  });
});
