import { JobStore } from './store';
import type { JobRecord } from './job-record';
import { startTestTable, type TestTable } from '../../test/support/test-table';

let testTable: TestTable;
let now = new Date('2026-11-29T12:00:00.000Z');
let store: JobStore;
let next = 0;

beforeAll(async () => {
  testTable = await startTestTable();
  store = new JobStore(testTable.tableName, testTable.client, () => now);
});
afterAll(() => testTable.stop());

function job(overrides: Partial<JobRecord> = {}): JobRecord {
  next += 1;
  return {
    id: `00000000-0000-4000-8000-${String(next).padStart(12, '0')}`,
    kind: 'work',
    input: { ms: 1000 },
    status: 'queued',
    progress: 0,
    runsOn: 'inline',
    createdAt: now.toISOString(),
    deadlineAt: new Date(now.getTime() + 60_000).toISOString(),
    fingerprint: 'f'.repeat(64),
    ...overrides,
  };
}

describe('the job table, on dynalite through the AWS SDK', () => {
  test('a job is created once: a second create with the same id returns the first, untouched', async () => {
    const first = job();
    expect(await store.create(first)).toEqual({ created: true, record: expect.objectContaining({ id: first.id, status: 'queued' }) });
    const again = await store.create({ ...first, input: { ms: 5 }, fingerprint: 'e'.repeat(64) });
    expect(again.created).toBe(false);
    expect(again.record.fingerprint).toBe('f'.repeat(64));
    expect((await store.get(first.id, { withInput: true }))?.input).toEqual({ ms: 1000 });
  });

  test("a batch of 100,000 strings and its result, far over an item's 400 KB, are kept whole", async () => {
    const items = Array.from({ length: 100_000 }, (_, i) => `item-${i}`);
    const batch = job({ kind: 'transform-batch', input: { transform: 'uppercase', items } });
    await store.create(batch);
    expect((await store.get(batch.id, { withInput: true }))?.input).toEqual({ transform: 'uppercase', items });
    expect(await store.start(batch.id)).toBe(true);
    const results = items.map((item) => item.toUpperCase());
    expect(await store.finish(batch.id, { status: 'succeeded', result: { results } })).toBe(true);
    const done = await store.get(batch.id);
    expect(done).toMatchObject({ status: 'succeeded', progress: 1, result: { results } });
    expect(done?.input).toBeUndefined();
  });

  test('only a queued job starts, only once, and progress is written only while it runs', async () => {
    const queued = job();
    await store.create(queued);
    expect(await store.progress(queued.id, 0.5)).toBe(false);
    expect(await store.start(queued.id)).toBe(true);
    expect(await store.start(queued.id)).toBe(false);
    expect(await store.progress(queued.id, 0.5)).toBe(true);
    expect(await store.get(queued.id)).toMatchObject({ status: 'running', progress: 0.5, startedAt: now.toISOString() });
    expect(await store.start('no-such-job')).toBe(false);
  });

  test('a finished job never moves again, and keeps a TTL for DynamoDB to remove it', async () => {
    const failed = job();
    await store.create(failed);
    await store.start(failed.id);
    expect(await store.finish(failed.id, { status: 'failed', error: { code: 'JOB_FAILED', message: 'broke' } })).toBe(true);
    expect(await store.finish(failed.id, { status: 'succeeded', result: { sleptMs: 1 } })).toBe(false);
    const read = await store.get(failed.id);
    expect(read).toMatchObject({ status: 'failed', error: { code: 'JOB_FAILED', message: 'broke' }, finishedAt: now.toISOString() });
    expect(read?.expiresAt).toBe(Math.floor(now.getTime() / 1000) + 7 * 24 * 3600);
  });

  test('a job past its deadline reads as failed with TIMED_OUT, and is recorded so, so it cannot finish late', async () => {
    const late = job();
    await store.create(late);
    await store.start(late.id);
    now = new Date(now.getTime() + 61_000);
    try {
      expect(await store.progress(late.id, 0.9)).toBe(false);
      expect(await store.get(late.id)).toMatchObject({ status: 'failed', error: { code: 'TIMED_OUT' } });
      expect(await store.finish(late.id, { status: 'succeeded', result: { sleptMs: 1000 } })).toBe(false);
      expect((await store.list('failed')).map((record) => record.id)).toContain(late.id);
      expect((await store.list('running')).map((record) => record.id)).not.toContain(late.id);
    } finally {
      now = new Date(now.getTime() - 61_000);
    }
  });

  test('jobs are listed by status, newest first', async () => {
    const older = job({ createdAt: '2026-11-29T11:00:00.000Z' });
    const newer = job({ createdAt: '2026-11-29T11:30:00.000Z' });
    await store.create(older);
    await store.create(newer);
    const queued = (await store.list('queued')).map((record) => record.id);
    expect(queued.indexOf(newer.id)).toBeLessThan(queued.indexOf(older.id));
    expect(queued.indexOf(older.id)).toBeGreaterThanOrEqual(0);
  });
});
