import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freezeTargetGroup, type FrozenTasks } from '../src/compute/freeze-tasks';
import { startSteadyLoad } from '../src/load/steady-load';
import { Sandbox } from '../src/sandbox';
import { SANDBOX_LABEL } from '../src/sandbox-state';
import { clientsFor, ruleWeights } from './support/local-aws-probe';

/*
 * The safety net, for real: the dev stack in the sandbox, steady load on its URL through the
 * sandbox's load balancer (which publishes the ALB's metrics each minute, as AWS does), and
 * `pnpm flip` judging each step on them. Healthy Fargate tasks are promoted; frozen ones (they
 * accept connections and answer nothing, so the load balancer answers 504) are rolled back by the
 * flip itself, with the exit code that says so.
 */

const REPOSITORY_ROOT = join(__dirname, '..', '..');
const FLIP_EXIT_ROLLED_BACK = 3;

interface FlipRun {
  readonly status: number;
  readonly output: string;
}

/** `pnpm flip dev ...`, calling `onLine` with each line it prints as it prints it. */
function flip(args: string[], env: NodeJS.ProcessEnv, onLine: (line: string) => void = () => undefined): Promise<FlipRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('pnpm', ['-s', 'flip', 'dev', ...args], {
      cwd: REPOSITORY_ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let partial = '';
    const take = (chunk: Buffer) => {
      output += chunk.toString();
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop()!;
      lines.forEach(onLine);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.once('error', reject);
    child.once('close', (status) => resolve({ status: status ?? 1, output }));
  });
}

test('dev: a step on healthy Fargate tasks is promoted; one on frozen tasks is rolled back by the flip itself', async () => {
  const prefix = 'switchyard-dev';
  const sandbox = new Sandbox({ dir: mkdtempSync(join(tmpdir(), 'switchyard-sandbox-safety-net-')), stdio: 'pipe' });
  let frozen: FrozenTasks | undefined;
  let load: ReturnType<typeof startSteadyLoad> | undefined;
  try {
    const bundles = process.env.SWITCHYARD_SANDBOX_BUNDLES === '1';
    const { outputs } = await sandbox.up('dev', { bundles, ruleDelay: { minSeconds: 0, maxSeconds: 0 } });
    const state = sandbox.running()!;
    const aws = clientsFor(state.endpoint);
    const env = sandbox.environment(state);
    // Enough for dev's minimum of requests per compute in a one-minute bake at a 50/50 split, and
    // bounded: the load stops by itself.
    load = startSteadyLoad({ url: String(outputs.service_url), rate: 5, maxSeconds: 900, timeoutMs: 75_000 });

    const promoted = await flip(['50', '--bake', '1m'], env);
    expect({ status: promoted.status, tail: promoted.status === 0 ? '' : promoted.output.slice(-3000) }).toEqual({ status: 0, tail: '' });
    expect(promoted.output).toContain('the listener rule holds 50% Lambda / 50% Fargate (DescribeRules)');
    expect(promoted.output).toMatch(/verdict: PASS\n {2}ok {3}fargate requests\s+\d+/);
    expect(await ruleWeights(aws, prefix)).toEqual({ lambda: 50, fargate: 50 });

    // The next step's tasks hang once it is being judged. Two minutes of bake: a request the
    // load balancer sends them is answered 504 only when its idle timeout (60 s) passes, so the
    // window holds a whole minute of them whenever in a minute the freeze came.
    let freezing: Promise<FrozenTasks> | undefined;
    const judged = await flip(['fargate', '--bake', '2m'], env, (line) => {
      if (!freezing && line.includes('Judging fargate on'))
        freezing = freezeTargetGroup(state.endpoint, `${prefix}-fargate`, bundles ? undefined : `${SANDBOX_LABEL}=${sandbox.dir}`);
    });
    frozen = await freezing;
    expect(frozen?.frozen.length).toBeGreaterThan(0);
    expect({ status: judged.status, tail: judged.status === FLIP_EXIT_ROLLED_BACK ? '' : judged.output.slice(-3000) }).toEqual({
      status: FLIP_EXIT_ROLLED_BACK,
      tail: '',
    });
    expect(judged.output).toMatch(/verdict: FAIL\n {2}FAIL /);
    expect(judged.output).toMatch(/rolled back: the listener rule holds 50% Lambda \/ 50% Fargate again, [\d.]+ s after the verdict/);
    expect(await ruleWeights(aws, prefix)).toEqual({ lambda: 50, fargate: 50 });
    // What an on-call engineer reads, kept in the tier's log.
    const judgement = (run: FlipRun) =>
      run.output
        .split('\n')
        .filter((line) => /^(== |-- |verdict: | {2}(ok|FAIL|LOW) |!! |switchyard-dev is )/.test(line))
        .join('\n');
    console.log(`pnpm flip dev 50 --bake 1m\n${judgement(promoted)}\n\npnpm flip dev fargate --bake 2m\n${judgement(judged)}`);
    // Nothing of the flip is left to resume.
    expect(existsSync(join(sandbox.dir, 'flips', `${prefix}.json`))).toBe(false);
  } catch (err) {
    const log = join(sandbox.dir, 'local-aws.log');
    if (existsSync(log)) console.log(`the end of local-aws.log\n${readFileSync(log, 'utf8').split('\n').slice(-60).join('\n')}`);
    throw err;
  } finally {
    frozen?.thaw();
    await load?.stop();
    await sandbox.down();
  }
});
