import { ECSClient, RunTaskCommand } from '@aws-sdk/client-ecs';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { createJobLauncher } from './launch';
import type { JobsConfig } from './jobs-config';
import type { JobRecord } from './job-record';
import { JobStore } from './store';
import { startTestTable, type TestTable } from '../../test/support/test-table';

const lambda = mockClient(LambdaClient);
const ecs = mockClient(ECSClient);
const log = { info: jest.fn(), warn: jest.fn(), error: jest.fn() };
let testTable: TestTable;
let store: JobStore;

beforeAll(async () => {
  testTable = await startTestTable();
  store = new JobStore(testTable.tableName, testTable.client);
  process.env.AWS_REGION = 'us-east-1';
});
afterAll(() => testTable.stop());
afterEach(() => {
  lambda.reset();
  ecs.reset();
});

const task = {
  cluster: 'switchyard-prod',
  taskDefinition: 'arn:aws:ecs:us-east-1:123456789012:task-definition/switchyard-prod-job:3',
  containerName: 'api',
  subnets: ['subnet-0a1b2c3d', 'subnet-4e5f6a7b'],
  securityGroups: ['sg-0123456789abcdef0'],
  assignPublicIp: false,
};
const config: JobsConfig = { tableName: 'unused', inlineMaxMs: 10_000, functionName: 'switchyard-prod-api', task };

async function queued(runsOn: JobRecord['runsOn']): Promise<JobRecord> {
  const now = new Date();
  const record: JobRecord = {
    id: crypto.randomUUID(),
    kind: 'work',
    input: { ms: 60_000 },
    status: 'queued',
    progress: 0,
    runsOn,
    createdAt: now.toISOString(),
    deadlineAt: new Date(now.getTime() + 3_600_000).toISOString(),
    fingerprint: '0'.repeat(64),
  };
  await store.create(record);
  return record;
}

describe('launching a job where its record says', () => {
  test('on Lambda: the function invokes itself asynchronously (Event) with the job id, and the job stays queued for that invocation', async () => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 202, $metadata: { httpStatusCode: 202 } });
    const record = await queued('lambda-async');
    await createJobLauncher(config, store, log).launch(record);
    const [call] = lambda.commandCalls(InvokeCommand);
    expect(call!.args[0].input).toMatchObject({ FunctionName: 'switchyard-prod-api', InvocationType: 'Event' });
    expect(JSON.parse(Buffer.from(call!.args[0].input.Payload as Uint8Array).toString())).toEqual({ switchyardJob: { id: record.id } });
    expect((await store.get(record.id))?.status).toBe('queued');
  });

  test('a refused invocation fails the job with the reason', async () => {
    lambda.on(InvokeCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' }));
    const record = await queued('lambda-async');
    await createJobLauncher(config, store, log).launch(record);
    expect(await store.get(record.id)).toMatchObject({
      status: 'failed',
      error: { code: 'LAUNCH_FAILED', message: 'The function could not invoke itself: TooManyRequestsException: Rate exceeded' },
    });
  });

  test("a long job: RunTask of the job task definition, in the service's subnets and security group, running node dist/job.js <id> (the image's entrypoint is node)", async () => {
    ecs.on(RunTaskCommand).resolves({
      tasks: [
        {
          taskArn: 'arn:aws:ecs:us-east-1:123456789012:task/switchyard-prod/0f1e2d3c4b5a69788796a5b4c3d2e1f0',
          lastStatus: 'PROVISIONING',
        },
      ],
      failures: [],
    });
    const record = await queued('fargate-task');
    await createJobLauncher(config, store, log).launch(record);
    const [call] = ecs.commandCalls(RunTaskCommand);
    expect(call!.args[0].input).toEqual({
      cluster: 'switchyard-prod',
      taskDefinition: task.taskDefinition,
      launchType: 'FARGATE',
      count: 1,
      startedBy: `job-${record.id}`.slice(0, 36),
      networkConfiguration: {
        awsvpcConfiguration: { subnets: task.subnets, securityGroups: task.securityGroups, assignPublicIp: 'DISABLED' },
      },
      overrides: { containerOverrides: [{ name: 'api', command: ['dist/job.js', record.id] }] },
    });
    expect((await store.get(record.id))?.status).toBe('queued');
  });

  test("RunTask that places nothing answers 200 with failures: the job fails with ECS's reason", async () => {
    // The shape ECS answers with when Fargate has no capacity for the task.
    ecs.on(RunTaskCommand).resolves({
      tasks: [],
      failures: [
        {
          arn: 'arn:aws:ecs:us-east-1:123456789012:container-instance/switchyard-prod',
          reason: 'Capacity is unavailable at this time. Please try again later or in a different availability zone',
        },
      ],
    });
    const record = await queued('fargate-task');
    await createJobLauncher(config, store, log).launch(record);
    expect(await store.get(record.id)).toMatchObject({
      status: 'failed',
      error: {
        code: 'LAUNCH_FAILED',
        message:
          'RunTask started no task: Capacity is unavailable at this time. Please try again later or in a different availability zone',
      },
    });
  });

  test('RunTask refused outright (a throttle, missing permissions) fails the job with the error', async () => {
    ecs
      .on(RunTaskCommand)
      .rejects(Object.assign(new Error('User is not authorized to perform: ecs:RunTask'), { name: 'AccessDeniedException' }));
    const record = await queued('fargate-task');
    await createJobLauncher(config, store, log).launch(record);
    expect((await store.get(record.id))?.error).toEqual({
      code: 'LAUNCH_FAILED',
      message: 'RunTask failed: AccessDeniedException: User is not authorized to perform: ecs:RunTask',
    });
  });
});
