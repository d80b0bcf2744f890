import { spawnSync } from 'node:child_process';
import { REPOSITORY_ROOT } from './paths';
import { median, type Row } from './stats';

/** Wall time of a whole command, as a person at a terminal waits for it; fails loudly if it fails. */
export function wallSeconds(command: string, args: string[], env: NodeJS.ProcessEnv = {}): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, {
    cwd: REPOSITORY_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}): ${result.stderr.slice(-2000)}`);
  return Number(process.hrtime.bigint() - started) / 1e9;
}

export function measureSynth(rounds: number): Row[] {
  const whole: number[] = [];
  const app: number[] = [];
  for (let round = 0; round < rounds; round++) {
    whole.push(wallSeconds('pnpm', ['cdktf', 'synth']));
    // What cdktf synth runs (cdktf.json "app"); the rest of its time is the CLI's own start-up.
    app.push(wallSeconds('infra/node_modules/.bin/tsx', ['infra/src/main.ts']));
  }
  return [
    {
      metric: 'pnpm cdktf synth, whole process',
      value: median(whole),
      unit: 's',
      goal: { direction: 'at-most', target: 3 },
      note: `median of ${rounds}`,
    },
    { metric: 'synth, the CDKTF app alone', value: median(app), unit: 's' },
  ];
}

/** `pnpm test` with turbo's cache bypassed (`turbo run test --force`), then again with it. */
export function measureTestSuite(): Row[] {
  const cold = wallSeconds('pnpm', ['exec', 'turbo', 'run', 'test', '--force']);
  const cached = wallSeconds('pnpm', ['test']);
  return [
    { metric: 'pnpm test, no cache', value: cold, unit: 's' },
    { metric: 'pnpm test, turbo cache', value: cached, unit: 's' },
  ];
}
