import { send } from '@switchyard/lambda-local/http-client';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JobRecord, JobView } from '../src/jobs/job-record';
import { JobStore } from '../src/jobs/store';
import { portOpen } from '../src/jobs/dynalite';
import { startTestTable, type TestTable } from './support/test-table';
import { freePort, run, runScript, stop, type RunningProcess } from './support/processes';

let testTable: TestTable;
let store: JobStore;
beforeAll(async () => {
  testTable = await startTestTable();
  store = new JobStore(testTable.tableName, testTable.client);
});
afterAll(() => testTable.stop());

const processes: RunningProcess[] = [];
afterEach(async () => {
  await Promise.all(processes.splice(0).map((p) => stop(p)));
});

async function queuedJob(input: JobRecord['input'] = { ms: 1500 }, kind: JobRecord['kind'] = 'work'): Promise<string> {
  const now = new Date();
  const id = crypto.randomUUID();
  await store.create({
    id,
    kind,
    input,
    status: 'queued',
    progress: 0,
    runsOn: 'fargate-task',
    createdAt: now.toISOString(),
    deadlineAt: new Date(now.getTime() + 600_000).toISOString(),
    fingerprint: '0'.repeat(64),
  });
  return id;
}

describe('dist/job.js <id>: a job in a process of its own, as a one-off task runs it', () => {
  test('runs the job to its result and exits 0', async () => {
    const id = await queuedJob({ transform: 'uppercase', items: ['a', 'b'] }, 'transform-batch');
    const task = runWith(id);
    expect(await task.exited).toBe(0);
    expect(await store.get(id)).toMatchObject({ status: 'succeeded', result: { results: ['A', 'B'] } });
  });

  test('stopped with SIGTERM (as ECS stops a task), it records INTERRUPTED and exits, leaving nothing running', async () => {
    const id = await queuedJob({ ms: 60_000 });
    const task = runWith(id);
    for (let i = 0; i < 100 && (await store.get(id))?.status !== 'running'; i++) await new Promise((resolve) => setTimeout(resolve, 100));
    task.child.kill('SIGTERM');
    expect(await task.exited).toBe(1);
    expect(await store.get(id)).toMatchObject({ status: 'failed', error: { code: 'INTERRUPTED' } });
  });

  test('a job that is not queued is left alone (exit 3), and without a table the task says what is missing (exit 2)', async () => {
    expect(await runWith('00000000-0000-4000-8000-000000000000').exited).toBe(3);
    const noTable = runWith('x', {});
    expect(await noTable.exited).toBe(2);
    expect(noTable.output()).toContain('JOBS_TABLE is not set');
  });

  function runWith(id: string, env: Record<string, string> = testTable.env): RunningProcess {
    const started = runScript('job.js', [id], { ...env, LOG_LEVEL: 'info', JOBS_TABLE: env.JOBS_TABLE ?? '' });
    processes.push(started);
    return started;
  }
});

describe('pnpm start: a job on the Lambda port runs in a separate process', () => {
  let dataDir: string;
  beforeAll(() => (dataDir = mkdtempSync(join(tmpdir(), 'switchyard-local-table-'))));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  /** `pnpm start`'s runner on free ports, its table's data in this file's folder. */
  async function startRunner() {
    const [fargatePort, lambdaPort, tablePort] = [await freePort(), await freePort(), await freePort()];
    const local = run('local.js', {
      PORT: String(fargatePort),
      LAMBDA_PORT: String(lambdaPort),
      HOST: '127.0.0.1',
      LOCAL_TABLE_PORT: String(tablePort),
      LOCAL_TABLE_PATH: dataDir,
      LOG_LEVEL: 'info',
    });
    processes.push(local);
    return { local, fargatePort, lambdaPort, tablePort };
  }

  test('a short job goes to an asynchronous invocation, a long one to a local RunTask; both report progress and finish', async () => {
    const { local, lambdaPort } = await startRunner();
    await local.waitFor(/Lambda mode .*http:\/\/127\.0\.0\.1:\d+/, 60_000);
    const lambda = `http://127.0.0.1:${lambdaPort}`;
    const post = async (body: object) => {
      const res = await send(lambda, {
        method: 'POST',
        path: '/jobs',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(res.statusCode).toBe(202);
      return JSON.parse(res.body.toString()) as { id: string; runsOn: string };
    };
    const poll = async (id: string, done: (view: JobView) => boolean) => {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const view = JSON.parse((await send(lambda, { method: 'GET', path: `/jobs/${id}` })).body.toString()) as JobView;
        if (done(view) || Date.now() > deadline) return view;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };

    const short = await post({ kind: 'work', input: { ms: 4000 } });
    expect(short.runsOn).toBe('lambda-async');
    const midway = await poll(short.id, (view) => view.progress > 0 && view.progress < 1);
    expect(midway).toMatchObject({ status: 'running' });
    expect(await poll(short.id, (view) => view.status === 'succeeded')).toMatchObject({ status: 'succeeded', result: { sleptMs: 4000 } });
    // The invocation ran in its own process, which said so as it ended.
    await local.waitFor(new RegExp(`"invocation":"finished","result":\\{"jobId":"${short.id}","ran":true,"status":"succeeded"`), 10_000);

    const long = await post({ kind: 'work', input: { ms: 1200 }, declaredMs: 60_000 });
    expect(long.runsOn).toBe('fargate-task');
    expect(await poll(long.id, (view) => view.status === 'succeeded')).toMatchObject({ result: { sleptMs: 1200 } });
    await local.waitFor(new RegExp(`"jobId":"${long.id}".*"msg":"job finished"`), 10_000);

    local.child.kill('SIGINT');
    expect(await local.exited).toBe(0);
  }, 120_000);

  test('neither the job table nor the server outlives a runner killed outright', async () => {
    const { local, fargatePort, tablePort } = await startRunner();
    await local.waitFor(/Job table \(dynalite\): +http:\/\/127\.0\.0\.1:\d+/, 60_000);
    await local.waitFor(/Server listening at/, 30_000);
    // Only the runner (and the server it started, which exits with it), not its process group.
    process.kill(local.child.pid!, 'SIGKILL');
    await local.exited;
    const deadline = Date.now() + 15_000;
    const open = async () => (await portOpen(tablePort)) || (await portOpen(fargatePort));
    while ((await open()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect({ table: await portOpen(tablePort), server: await portOpen(fargatePort) }).toEqual({ table: false, server: false });
  }, 90_000);
});
