import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { randomUUID } from 'node:crypto';
import { freePort, startLocalTable, type LocalTable } from '../../src/jobs/dynalite';
import { ensureJobTable } from '../../src/jobs/job-table';

/** For tests: a job table in a real dynalite process on a free loopback port, reached through the real SDK. */
export interface TestTable {
  readonly table: LocalTable;
  readonly tableName: string;
  readonly client: DynamoDBClient;
  /** What a process needs in its environment to use this table. */
  readonly env: Record<string, string>;
  stop(): Promise<void>;
}

export async function startTestTable({ path }: { path?: string } = {}): Promise<TestTable> {
  const table = await startLocalTable({ port: await freePort(), ...(path ? { path } : {}) });
  const tableName = `jobs-${randomUUID().slice(0, 8)}`;
  const client = new DynamoDBClient({
    endpoint: table.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  await ensureJobTable(client, tableName);
  return {
    table,
    tableName,
    client,
    env: {
      JOBS_TABLE: tableName,
      AWS_ENDPOINT_URL_DYNAMODB: table.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    },
    async stop() {
      client.destroy();
      await table.stop();
    },
  };
}
