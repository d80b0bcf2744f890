import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ensureJobTable } from '@switchyard/api/job-table';
import { createLocalAws, type LocalAws } from '@switchyard/api/local-aws';
import { freePort, startLocalTable, type LocalTable } from '@switchyard/api/local-table';
import { FARGATE_ENTRYPOINT, IMAGE_USER, JOB_CONTAINER_NAME, serviceEnvironment } from '@switchyard/infra/image-contract';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { environment } from './support/modes';
import { eventually, imageUnderTest, podman, READ_ONLY, runContainer, type Container } from './support/podman';

/*
 * A job in the real image, as in AWS: the API runs in one container (as its Fargate task), and a job
 * too long to run inline goes through RunTask (the local stand-in) to a second container of the same
 * image running `node dist/job.js <id>`, both on a DynamoDB table (dynalite) on the host's loopback.
 */

interface JobView {
  id: string;
  status: string;
  runsOn: string;
  progress: number;
  result?: unknown;
  error?: { code: string };
}

describe('jobs in the real image', () => {
  const tableName = 'switchyard-container-jobs';
  let dataDir: string;
  let table: LocalTable;
  let aws: LocalAws;
  let api: Container;
  let baseUrl: string;
  const jobContainers: string[] = [];
  let jobEnv: Record<string, string>;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'switchyard-container-jobs-'));
    table = await startLocalTable({ port: await freePort(), path: dataDir });
    await ensureJobTable(
      new DynamoDBClient({
        endpoint: table.endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      }),
      tableName,
    );
    jobEnv = {
      ...serviceEnvironment(),
      JOBS_TABLE: tableName,
      AWS_ENDPOINT_URL_DYNAMODB: table.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_EC2_METADATA_DISABLED: 'true',
    };
    // RunTask, as ECS would run the job task definition: the same image, non-root, read-only, `node dist/job.js <id>`.
    aws = createLocalAws({
      invoke: () => {
        throw new Error('no Lambda here');
      },
      runTask: (command) => {
        const name = `switchyard-job-${randomUUID().slice(0, 8)}`;
        jobContainers.push(name);
        return spawn(
          'podman',
          [
            'run',
            '--name',
            name,
            '--network',
            'host',
            ...READ_ONLY,
            '--user',
            IMAGE_USER,
            '--init',
            '--entrypoint',
            JSON.stringify(FARGATE_ENTRYPOINT.entryPoint),
            ...environment(jobEnv),
            imageUnderTest(),
            ...command,
          ],
          { stdio: 'ignore' },
        );
      },
    });
    await new Promise<void>((resolve) => aws.server.listen(0, '127.0.0.1', resolve));
    const ecs = `http://127.0.0.1:${(aws.server.address() as AddressInfo).port}`;
    const port = await freePort();
    api = await runContainer({
      options: [
        '--network',
        'host',
        '--entrypoint',
        JSON.stringify(FARGATE_ENTRYPOINT.entryPoint),
        ...environment({
          ...jobEnv,
          PORT: String(port),
          HOST: '127.0.0.1',
          AWS_ENDPOINT_URL_ECS: ecs,
          JOB_INLINE_MAX_MS: '1000',
          JOB_CLUSTER: 'local',
          JOB_TASK_DEFINITION: 'switchyard-container-job',
          JOB_CONTAINER_NAME,
          JOB_SUBNETS: 'local',
          JOB_SECURITY_GROUPS: 'local',
        }),
      ],
      command: FARGATE_ENTRYPOINT.command,
    });
    baseUrl = `http://127.0.0.1:${port}`;
    await eventually(async () => (await fetch(`${baseUrl}/ready`)).ok, 'readiness', api, 30_000);
  }, 120_000);

  afterAll(async () => {
    await api?.remove();
    await aws?.stop();
    await Promise.all(jobContainers.map((name) => podman('rm', '--force', '--time', '0', name).catch(() => undefined)));
    await table?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const post = async (body: object) => {
    const res = await fetch(`${baseUrl}/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(202);
    return (await res.json()) as JobView;
  };
  const poll = async (id: string, done: (job: JobView) => boolean, timeoutMs = 90_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const job = (await (await fetch(`${baseUrl}/jobs/${id}`)).json()) as JobView;
      if (done(job) || Date.now() > deadline) return job;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  };

  test('a short job runs in the API container itself', async () => {
    const job = await post({ kind: 'transform-batch', input: { transform: 'uppercase', items: ['ada'] } });
    expect(job.runsOn).toBe('inline');
    expect(await poll(job.id, (view) => view.status === 'succeeded')).toMatchObject({ status: 'succeeded', result: { results: ['ADA'] } });
  });

  test('a long one runs in a second container of the same image, as uid 1000 on a read-only root, and exits 0', async () => {
    const job = await post({ kind: 'work', input: { ms: 2000 } });
    expect(job.runsOn).toBe('fargate-task');
    expect(await poll(job.id, (view) => view.status === 'succeeded')).toMatchObject({
      status: 'succeeded',
      progress: 1,
      result: { sleptMs: 2000 },
    });
    const name = jobContainers.at(-1)!;
    expect(await podman('wait', name)).toBe('0');
    const inspected = JSON.parse(await podman('inspect', name)) as Array<{
      Config: { User: string; Cmd: string[] };
      HostConfig: { ReadonlyRootfs: boolean };
      ImageName: string;
    }>;
    expect(inspected[0]!.Config.User).toBe(IMAGE_USER);
    expect(inspected[0]!.HostConfig.ReadonlyRootfs).toBe(true);
    expect(inspected[0]!.Config.Cmd).toEqual(['dist/job.js', job.id]);
  }, 120_000);

  test('a job container stopped as ECS stops a task (SIGTERM) records INTERRUPTED and exits', async () => {
    const job = await post({ kind: 'work', input: { ms: 120_000 } });
    expect(job.runsOn).toBe('fargate-task');
    expect((await poll(job.id, (view) => view.status === 'running')).status).toBe('running');
    const name = jobContainers.at(-1)!;
    await podman('stop', '--time', '20', name);
    expect(await podman('wait', name)).toBe('1');
    expect(await poll(job.id, (view) => view.status === 'failed', 10_000)).toMatchObject({
      status: 'failed',
      error: { code: 'INTERRUPTED' },
    });
  }, 120_000);
});
