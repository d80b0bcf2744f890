import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalTable } from './dynalite';
import { executeJob } from './runner';
import { JobStore } from './store';
import { startTestTable, type TestTable } from '../../test/support/test-table';

const log = { warn: jest.fn(), error: jest.fn() };

describe('running a job', () => {
  let dir: string;
  let testTable: TestTable;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'switchyard-runner-'));
    testTable = await startTestTable({ path: dir });
  });
  afterAll(async () => {
    await testTable.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a job process waits out a table that is restarting, rather than leave its job queued', async () => {
    const store = new JobStore(testTable.tableName, testTable.client);
    const now = new Date();
    const id = crypto.randomUUID();
    await store.create({
      id,
      kind: 'work',
      input: { ms: 0 },
      status: 'queued',
      progress: 0,
      runsOn: 'fargate-task',
      createdAt: now.toISOString(),
      deadlineAt: new Date(now.getTime() + 60_000).toISOString(),
      fingerprint: '0'.repeat(64),
    });
    await testTable.table.stop();
    const running = executeJob(store, id, log);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    // The same port and the same data on disk, as after a crash.
    const again = await startLocalTable({ port: testTable.table.port, path: dir });
    try {
      expect(await running).toEqual({ ran: true, status: 'succeeded' });
      expect(await store.get(id)).toMatchObject({ status: 'succeeded', result: { sleptMs: 0 } });
      expect(log.warn).toHaveBeenCalledWith(expect.objectContaining({ jobId: id }), 'could not read the job; retrying');
    } finally {
      await again.stop();
    }
  });

  test('a job that is not queued is not run again', async () => {
    const again = await startLocalTable({ port: testTable.table.port, path: dir });
    try {
      const store = new JobStore(testTable.tableName, testTable.client);
      expect(await executeJob(store, 'no-such-job', log)).toEqual({ ran: false });
    } finally {
      await again.stop();
    }
  });
});
