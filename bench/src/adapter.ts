import { spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { join } from 'node:path';
import { median, pairedRatios, type Row } from './stats';

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
  const ratio = (a: string, b: string) => median(pairedRatios(series(a), series(b)));
  const note = `median of ${rounds} × ${seconds} s, sequential invocations`;
  return [
    { metric: 'Lambda: switchyard handler, ALB event', value: median(series('switchyard-alb')), unit: 'inv/s', note },
    { metric: 'Lambda: switchyard handler, API GW v2 event', value: median(series('switchyard-v2')), unit: 'inv/s' },
    { metric: 'Lambda: serverless-express + express 5, ALB', value: median(series('serverless-express-alb')), unit: 'inv/s' },
    { metric: 'Lambda: bare app.inject()', value: median(series('inject')), unit: 'inv/s' },
    {
      metric: 'Lambda: switchyard / serverless-express (ALB)',
      value: ratio('switchyard-alb', 'serverless-express-alb'),
      unit: '×',
      goal: { direction: 'at-least', target: 2 },
    },
    {
      metric: 'Lambda: switchyard / serverless-express (v2)',
      value: ratio('switchyard-v2', 'serverless-express-v2'),
      unit: '×',
      goal: { direction: 'at-least', target: 2 },
    },
    {
      metric: 'Lambda: switchyard (ALB) / bare inject',
      value: ratio('switchyard-alb', 'inject'),
      unit: '×',
      goal: { direction: 'at-least', target: 0.95 },
    },
  ];
}
