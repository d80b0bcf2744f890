import { send } from '@switchyard/lambda-local/http-client';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, run, runCommand, stop, type RunningProcess } from './support/processes';

const json = (body: Buffer) => JSON.parse(body.toString('utf8'));

describe('dist/local.js (pnpm start)', () => {
  let local: RunningProcess | undefined;
  afterEach(() => stop(local));

  test('serves both computes side by side, with the same answers, and stops on Ctrl-C', async () => {
    const [fargatePort, lambdaPort, tablePort] = [await freePort(), await freePort(), await freePort()];
    local = run('local.js', {
      PORT: String(fargatePort),
      LAMBDA_PORT: String(lambdaPort),
      LOCAL_TABLE_PORT: String(tablePort),
      HOST: '127.0.0.1',
      // It waits for the server's "listening" line, whatever level the environment the tests run in has.
      LOG_LEVEL: 'info',
    });
    await local.waitFor(/Lambda mode .*http:\/\/127\.0\.0\.1:\d+/);
    await local.waitFor(/Server listening at/);
    expect(local.output()).toContain(`curl 'http://127.0.0.1:${lambdaPort}/hello?name=Ada'`);

    const fargate = `http://127.0.0.1:${fargatePort}`;
    const lambda = `http://127.0.0.1:${lambdaPort}`;
    expect(json((await send(fargate, { method: 'GET', path: '/' })).body).compute).toBe('fargate');
    expect(json((await send(lambda, { method: 'GET', path: '/' })).body).compute).toBe('lambda');

    const create = { method: 'POST', path: '/users', headers: { 'content-type': 'application/json' }, body: '{"email":"ada@example.com"}' };
    for (const request of [
      { method: 'GET', path: '/uppercase', query: 'input=istanbul&locale=tr' },
      create,
      { method: 'GET', path: '/nope' },
    ]) {
      const [a, b] = await Promise.all([send(fargate, request), send(lambda, request)]);
      expect(b.statusCode).toBe(a.statusCode);
      expect({ ...json(b.body), id: undefined }).toEqual({ ...json(a.body), id: undefined });
    }

    local.child.kill('SIGINT');
    expect(await local.exited).toBe(0);
  });
});

describe('`pnpm start` through turbo', () => {
  const REPO_ROOT = join(__dirname, '..', '..', '..');

  /** Every variable the README documents for `pnpm start`: the Configuration table and the port override. */
  function documentedVariables(): string[] {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('**Why 512 KiB'));
    const rows = [...table.matchAll(/^\| `([A-Z_]+)`/gm)].map((m) => m[1]!);
    // Prose is wrapped anywhere: any run of whitespace stands for a space.
    const ports = /Override\s+the\s+ports\s+with\s+((?:`[A-Z_]+`(?:,|\s+and|\s+or)?\s*)+)/.exec(readme)?.[1] ?? '';
    return [...new Set([...rows, ...[...ports.matchAll(/`([A-Z_]+)`/g)].map((m) => m[1]!)])].sort();
  }

  test('turbo passes every documented variable to start and dev (turbo drops the ones it is not told of)', () => {
    const variables = documentedVariables();
    expect(variables).toEqual(
      expect.arrayContaining(['PORT', 'LAMBDA_PORT', 'LOCAL_TABLE_PORT', 'HOST', 'LOG_LEVEL', 'JOB_INLINE_MAX_MS']),
    );
    const dry = JSON.parse(
      execFileSync(join(REPO_ROOT, 'node_modules', '.bin', 'turbo'), ['run', 'start', 'dev', '--filter=@switchyard/api', '--dry=json'], {
        cwd: REPO_ROOT,
        encoding: 'utf8',
      }),
    ) as { tasks: Array<{ taskId: string; environmentVariables: { specified: { passThroughEnv: string[] | null } } }> };
    for (const taskId of ['@switchyard/api#start', '@switchyard/api#dev']) {
      const task = dry.tasks.find((t) => t.taskId === taskId);
      expect({ taskId, missing: variables.filter((v) => !task?.environmentVariables.specified.passThroughEnv?.includes(v)) }).toEqual({
        taskId,
        missing: [],
      });
    }
  });

  let start: RunningProcess | undefined;
  afterEach(() => stop(start));

  test('PORT and LAMBDA_PORT reach the service, which prints the configuration it uses', async () => {
    const [fargatePort, lambdaPort, tablePort] = [await freePort(), await freePort(), await freePort()];
    start = runCommand(
      'pnpm',
      ['start'],
      { PORT: String(fargatePort), LAMBDA_PORT: String(lambdaPort), LOCAL_TABLE_PORT: String(tablePort), LOG_LEVEL: 'warn' },
      REPO_ROOT,
    );
    await start.waitFor(new RegExp(`configuration: PORT=${fargatePort} LAMBDA_PORT=${lambdaPort} .*LOG_LEVEL=warn`), 120_000);
    await start.waitFor(/Lambda mode .*http:\/\/127\.0\.0\.1:\d+/, 60_000);
    await eventually(() => send(`http://127.0.0.1:${fargatePort}`, { method: 'GET', path: '/health' }));
    expect(json((await send(`http://127.0.0.1:${fargatePort}`, { method: 'GET', path: '/' })).body).compute).toBe('fargate');
    expect(json((await send(`http://127.0.0.1:${lambdaPort}`, { method: 'GET', path: '/' })).body).compute).toBe('lambda');
  }, 180_000);
});

/** Retries `attempt` until it succeeds: the native server may still be starting. */
async function eventually<T>(attempt: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
