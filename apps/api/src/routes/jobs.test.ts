import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { buildApp, type Compute } from '../app';
import { MAX_BATCH_ITEMS, MAX_WORK_JOB_MS } from '@switchyard/domain/jobs';
import { startTestTable, type TestTable } from '../../test/support/test-table';
import type { JobView } from '../jobs/job-record';

let testTable: TestTable;
const saved = { ...process.env };

beforeAll(async () => {
  testTable = await startTestTable();
  // The SDK clients the app makes read their endpoint and credentials from the environment, as in AWS.
  Object.assign(process.env, testTable.env, { AWS_EC2_METADATA_DISABLED: 'true' });
});
afterAll(async () => {
  process.env = saved;
  await testTable.stop();
});

const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

function app(compute: Compute = 'fargate', jobs: Record<string, unknown> = {}): FastifyInstance {
  const built = buildApp({
    config: { logLevel: 'silent', bodyLimitBytes: 512 * 1024 },
    compute,
    jobs: { tableName: testTable.tableName, inlineMaxMs: 10_000, ...jobs },
  });
  apps.push(built);
  return built;
}

async function until(service: FastifyInstance, location: string, done: (job: JobView) => boolean): Promise<JobView> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const job = (await service.inject({ url: location })).json<JobView>();
    if (done(job) || Date.now() > deadline) return job;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('/jobs', () => {
  test('a short job is accepted with 202 and a Location, runs in the API process on Fargate, and its result can be polled', async () => {
    const service = app();
    const res = await service.inject({
      method: 'POST',
      url: '/jobs',
      payload: { kind: 'transform-batch', input: { transform: 'capitalize', items: ['ada', 'grace'] } },
    });
    expect(res.statusCode).toBe(202);
    const accepted = res.json<{ id: string; kind: string; status: string; runsOn: string }>();
    expect(accepted).toEqual({
      id: expect.any(String),
      kind: 'transform-batch',
      status: expect.stringMatching(/^(queued|running|succeeded)$/),
      runsOn: 'inline',
    });
    expect(res.headers.location).toBe(`/jobs/${accepted.id}`);
    const job = await until(service, res.headers.location as string, (view) => view.status === 'succeeded');
    expect(job).toMatchObject({
      id: accepted.id,
      status: 'succeeded',
      progress: 1,
      runsOn: 'inline',
      result: { results: ['Ada', 'Grace'] },
    });
    expect(Date.parse(job.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(job.startedAt!));
    expect(Date.parse(job.startedAt!)).toBeGreaterThanOrEqual(Date.parse(job.createdAt));
  });

  test('a job reports progress while it runs', async () => {
    const service = app();
    const res = await service.inject({ method: 'POST', url: '/jobs', payload: { kind: 'work', input: { ms: 2500 } } });
    const running = await until(service, res.headers.location as string, (view) => view.progress > 0 && view.progress < 1);
    expect(running.status).toBe('running');
    // After one step of a second (0.4) or two (0.8), whichever the poll saw first.
    expect([0.4, 0.8]).toContainEqual(running.progress);
    const done = await until(service, res.headers.location as string, (view) => view.status === 'succeeded');
    expect(done.result).toEqual({ sleptMs: 2500 });
  });

  test('the same Idempotency-Key returns the same job; reused for another job it is refused', async () => {
    const service = app();
    const key = `order-${Date.now()}`;
    const post = (ms: number) =>
      service.inject({ method: 'POST', url: '/jobs', headers: { 'idempotency-key': key }, payload: { kind: 'work', input: { ms } } });
    const first = await post(0);
    const second = await post(0);
    expect(second.statusCode).toBe(202);
    expect(second.json().id).toBe(first.json().id);
    expect(second.headers.location).toBe(first.headers.location);
    const other = await post(5);
    expect(other.statusCode).toBe(422);
    expect(other.json()).toEqual({
      error: { code: 'IDEMPOTENCY_KEY_REUSED', message: 'This Idempotency-Key was used for a different job' },
    });
  });

  test.each([
    ['a work job over an hour', { kind: 'work', input: { ms: MAX_WORK_JOB_MS + 1 } }],
    ['a negative duration', { kind: 'work', input: { ms: -1 } }],
    ['an unknown kind', { kind: 'mine-bitcoin', input: {} }],
    [
      'a batch over 100,000 strings',
      { kind: 'transform-batch', input: { transform: 'uppercase', items: Array.from({ length: MAX_BATCH_ITEMS + 1 }, () => '') } },
    ],
    ['an unknown transform', { kind: 'transform-batch', input: { transform: 'reverse', items: ['a'] } }],
    ['a malformed locale', { kind: 'transform-batch', input: { transform: 'uppercase', items: ['a'], locale: 'not a locale!' } }],
    ['no input', { kind: 'work' }],
  ])('%s is refused with 400 in the error envelope', async (_, payload) => {
    const res = await app().inject({ method: 'POST', url: '/jobs', payload });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('VALIDATION_ERROR');
  });

  test('an unknown job is 404; jobs are listed by status', async () => {
    const service = app();
    const missing = await service.inject({ url: '/jobs/00000000-0000-4000-8000-000000000000' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ error: { code: 'JOB_NOT_FOUND', message: 'No job 00000000-0000-4000-8000-000000000000' } });
    const res = await service.inject({ method: 'POST', url: '/jobs', payload: { kind: 'work', input: { ms: 0 } } });
    await until(service, res.headers.location as string, (view) => view.status === 'succeeded');
    const listed = await service.inject({ url: '/jobs?status=succeeded' });
    expect(listed.statusCode).toBe(200);
    const jobs = listed.json<{ jobs: JobView[] }>().jobs;
    expect(jobs.map((job) => job.id)).toContain(res.json().id);
    expect(jobs.every((job) => job.status === 'succeeded')).toBe(true);
    expect((await service.inject({ url: '/jobs?status=lost' })).statusCode).toBe(400);
  });

  test('a job longer than the inline limit goes to a one-off task; with none configured it fails at once, saying why', async () => {
    const res = await app().inject({ method: 'POST', url: '/jobs', payload: { kind: 'work', input: { ms: 60_000 } } });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ runsOn: 'fargate-task', status: 'failed' });
    const job = (await app().inject({ url: res.headers.location as string })).json<JobView>();
    expect(job.error).toEqual({
      code: 'LAUNCH_FAILED',
      message: 'No job task is configured (JOB_CLUSTER, JOB_TASK_DEFINITION, JOB_SUBNETS, JOB_SECURITY_GROUPS)',
    });
  });

  test('a declared run time places the job even when its estimate is short', async () => {
    const res = await app().inject({ method: 'POST', url: '/jobs', payload: { kind: 'work', input: { ms: 10 }, declaredMs: 20_000 } });
    expect(res.json().runsOn).toBe('fargate-task');
  });

  test('on Lambda a short job is an asynchronous invocation of the function itself', async () => {
    const res = await app('lambda').inject({ method: 'POST', url: '/jobs', payload: { kind: 'work', input: { ms: 0 } } });
    expect(res.json()).toMatchObject({ runsOn: 'lambda-async', status: 'failed' });
    const job = (await app().inject({ url: res.headers.location as string })).json<JobView>();
    expect(job.error?.message).toBe('AWS_LAMBDA_FUNCTION_NAME is not set, so the function cannot invoke itself');
  });

  test('without a job table the routes answer 503, and the rest of the service is untouched', async () => {
    const service = buildApp({ config: { logLevel: 'silent', bodyLimitBytes: 1024 }, compute: 'fargate' });
    apps.push(service);
    const res = await service.inject({ method: 'POST', url: '/jobs', payload: { kind: 'work', input: { ms: 0 } } });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ error: { code: 'JOBS_UNAVAILABLE', message: 'Jobs are not configured here: set JOBS_TABLE' } });
    expect((await service.inject({ url: '/hello' })).statusCode).toBe(200);
  });

  test('a table that cannot be used (missing, unreachable) is a 503 the caller may retry, not a 500', async () => {
    const service = app('fargate', { tableName: 'no-such-table' });
    const res = await service.inject({ method: 'POST', url: '/jobs', payload: { kind: 'work', input: { ms: 0 } } });
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.json().error.code).toBe('JOBS_UNAVAILABLE');
  });

  test('a job still running in the process when the app closes records that it was interrupted', async () => {
    const service = app('fargate', { inlineMaxMs: 20_000 });
    const res = await service.inject({ method: 'POST', url: '/jobs', payload: { kind: 'work', input: { ms: 15_000 } } });
    await until(service, res.headers.location as string, (view) => view.status === 'running');
    // The drain waits for in-process jobs up to the inline limit; this one would outlast a short wait.
    await service.jobs!().launcher.drain(100);
    const job = (await app().inject({ url: res.headers.location as string })).json<JobView>();
    expect(job).toMatchObject({ status: 'failed', error: { code: 'INTERRUPTED' } });
  });

  test('fuzzed job requests and ids never get a 5xx', async () => {
    // Every accepted job goes to a one-off task, which this test has none of: it fails at once rather than run here.
    const service = app('fargate', { inlineMaxMs: 0 });
    const kinds = fc.oneof(fc.constantFrom('work', 'transform-batch'), fc.string());
    const inputs = fc.oneof(
      fc.record({ ms: fc.oneof(fc.integer(), fc.double(), fc.string()) }, { requiredKeys: [] }),
      fc.record(
        {
          transform: fc.oneof(fc.constantFrom('uppercase', 'lowercase', 'capitalize'), fc.string()),
          items: fc.array(fc.string(), { maxLength: 20 }),
          locale: fc.string(),
        },
        { requiredKeys: [] },
      ),
      fc.jsonValue(),
    );
    const bodies = fc.oneof(
      fc.record({ kind: kinds, input: inputs, declaredMs: fc.oneof(fc.integer(), fc.string()) }, { requiredKeys: [] }),
      fc.jsonValue(),
    );
    await fc.assert(
      fc.asyncProperty(bodies, fc.option(fc.string({ maxLength: 300 })), async (body, key) => {
        const res = await service.inject({
          method: 'POST',
          url: '/jobs',
          payload: JSON.stringify(body),
          headers: { 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) },
        });
        expect(res.statusCode).toBeLessThan(500);
        expect([202, 400, 422]).toContain(res.statusCode);
      }),
      { numRuns: 150 },
    );
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 100 }), async (id) => {
        const res = await service.inject({ url: `/jobs/${encodeURIComponent(id)}` });
        expect(res.statusCode).toBeLessThan(500);
      }),
      { numRuns: 100 },
    );
  });
});
