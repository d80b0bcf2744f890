import { spawnSync } from 'node:child_process';
import { REPOSITORY_ROOT } from './paths';
import { measured, type Row } from './stats';

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
      ...measured(whole),
      unit: 's',
      goal: { direction: 'at-most', target: 3 },
    },
    { metric: 'synth, the CDKTF app alone', ...measured(app), unit: 's' },
  ];
}

/**
 * Each tier of `pnpm test` with turbo's cache bypassed, and the whole command with the cache, in
 * interleaved rounds so a busy moment hits every tier alike. The container tier needs podman and
 * an image build; its time is printed by `pnpm test:container` itself.
 */
export function measureTestSuite(rounds: number): Row[] {
  const tests: number[] = [];
  const terraform: number[] = [];
  const cached: number[] = [];
  for (let round = 0; round < rounds; round++) {
    tests.push(wallSeconds('pnpm', ['exec', 'turbo', 'run', 'test', '--force']));
    terraform.push(wallSeconds('pnpm', ['exec', 'turbo', 'run', 'test:terraform', '--force']));
    cached.push(wallSeconds('pnpm', ['test']));
  }
  return [
    {
      metric: 'test tier (unit, app, Lambda, parity, constructs), no cache',
      ...measured(tests),
      unit: 's',
      goal: { direction: 'at-most', target: 60 },
    },
    { metric: 'terraform tier (offline terraform), no cache', ...measured(terraform), unit: 's' },
    { metric: 'pnpm test, turbo cache', ...measured(cached), unit: 's' },
  ];
}
