import { spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { join } from 'node:path';
import { measured, pairedRatios, type Row } from './stats';

/** Lambda adapter throughput in process: our bundled handler against serverless-express and bare inject. */
export async function measureAdapter(rounds: number, seconds: number): Promise<Row[]> {
  const worker = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'adapter-worker.ts')], {
    env: { ...process.env, LOG_LEVEL: 'info' },
    stdio: ['ignore', openSync('/dev/null', 'w'), 'inherit', 'ipc'],
  });
  const figures = await new Promise<Record<string, number[]>>((resolve, reject) => {
    worker.once('message', (message: Record<string, number[]> | { error: string }) =>
      'error' in message ? reject(new Error(`adapter worker: ${message.error as string}`)) : resolve(message),
    );
    worker.once('exit', (code) => reject(new Error(`adapter worker exited (${code}) before reporting`)));
    worker.send({ rounds, seconds });
  });
  const series = (name: string) => figures[name] ?? [];
  const ratios = (a: string, b: string) => pairedRatios(series(a), series(b));
  const figure = (metric: string, name: string, extra = '') => ({
    metric,
    ...measured(series(name)),
    unit: 'inv/s',
    ...(extra ? { note: extra } : {}),
  });
  const ratio = (metric: string, a: string, b: string, target: number) => ({
    metric,
    ...measured(ratios(a, b)),
    unit: '×',
    goal: { direction: 'at-least' as const, target },
  });
  return [
    figure('Lambda: switchyard handler, ALB event', 'switchyard-alb', `${seconds} s rounds, sequential invocations`),
    figure('Lambda: switchyard handler, API GW v2 event', 'switchyard-v2'),
    figure('Lambda: serverless-express + express 5, ALB', 'serverless-express-alb'),
    figure('Lambda: serverless-express + express 5, API GW v2', 'serverless-express-v2'),
    figure('Lambda: bare app.inject()', 'inject'),
    ratio('Lambda: switchyard / serverless-express (ALB)', 'switchyard-alb', 'serverless-express-alb', 2),
    ratio('Lambda: switchyard / serverless-express (v2)', 'switchyard-v2', 'serverless-express-v2', 2),
    ratio('Lambda: switchyard (ALB) / bare inject', 'switchyard-alb', 'inject', 0.95),
  ];
}
