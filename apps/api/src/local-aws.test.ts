import { ECSClient, RunTaskCommand } from '@aws-sdk/client-ecs';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { createLocalAws, type LocalAws } from './local-aws';

/** A process that prints what it was given and exits, standing in for a sandbox or a task. */
const echo = (text: string) =>
  spawn(process.execPath, ['-e', `process.stdout.write(${JSON.stringify(text)})`], { stdio: ['ignore', 'pipe', 'ignore'] });
const outputOf = (child: ReturnType<typeof spawn>) =>
  new Promise<string>((resolve) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', () => resolve(out));
  });

describe('the local stand-ins for Lambda Invoke and ECS RunTask, through the real SDK clients', () => {
  let aws: LocalAws;
  let endpoint: string;
  const started: ReturnType<typeof spawn>[] = [];
  const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

  beforeAll(async () => {
    aws = createLocalAws({
      invoke: (name, payload) => {
        const child = echo(`${name} ${payload}`);
        started.push(child);
        return child;
      },
      runTask: (command) => {
        const child = echo(command.join(' '));
        started.push(child);
        return child;
      },
    });
    await new Promise<void>((resolve) => aws.server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(aws.server.address() as AddressInfo).port}`;
  });
  afterAll(() => aws.stop());

  test('an asynchronous invocation answers 202 and starts a process with the payload', async () => {
    const lambda = new LambdaClient({ endpoint, region: 'us-east-1', credentials });
    const answer = await lambda.send(
      new InvokeCommand({
        FunctionName: 'switchyard-local',
        InvocationType: 'Event',
        Payload: Buffer.from('{"switchyardJob":{"id":"j1"}}'),
      }),
    );
    expect(answer.StatusCode).toBe(202);
    expect(await outputOf(started.at(-1)!)).toBe('switchyard-local {"switchyardJob":{"id":"j1"}}');
  });

  test('a synchronous invocation is refused as Lambda refuses a bad request, not served wrongly', async () => {
    const lambda = new LambdaClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
    await expect(lambda.send(new InvokeCommand({ FunctionName: 'switchyard-local', Payload: Buffer.from('{}') }))).rejects.toMatchObject({
      name: 'InvalidRequestContentException',
    });
  });

  test("RunTask starts the container override's command and answers with the task, as ECS does", async () => {
    const ecs = new ECSClient({ endpoint, region: 'us-east-1', credentials });
    const answer = await ecs.send(
      new RunTaskCommand({
        cluster: 'local',
        taskDefinition: 'job',
        overrides: { containerOverrides: [{ name: 'api', command: ['dist/job.js', 'j2'] }] },
      }),
    );
    expect(answer.failures).toEqual([]);
    expect(answer.tasks?.[0]?.taskArn).toMatch(/^arn:aws:ecs:local:000000000000:task\/local\/\d+$/);
    expect(await outputOf(started.at(-1)!)).toBe('dist/job.js j2');
    const bare = ecs.send(new RunTaskCommand({ cluster: 'local', taskDefinition: 'job' }));
    await expect(bare).rejects.toMatchObject({ name: 'InvalidParameterException' });
  });

  test('invocations past the concurrency wait their turn, as Lambda queues asynchronous invocations', async () => {
    const order: string[] = [];
    const queued = createLocalAws({
      concurrency: 1,
      invoke: (_name, payload) => {
        order.push(`start ${payload}`);
        const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 300)'], { stdio: 'ignore' });
        child.once('exit', () => order.push(`end ${payload}`));
        return child;
      },
      runTask: () => echo(''),
    });
    await new Promise<void>((resolve) => queued.server.listen(0, '127.0.0.1', resolve));
    const lambda = new LambdaClient({
      endpoint: `http://127.0.0.1:${(queued.server.address() as AddressInfo).port}`,
      region: 'us-east-1',
      credentials,
    });
    try {
      for (const n of ['1', '2'])
        await lambda.send(new InvokeCommand({ FunctionName: 'f', InvocationType: 'Event', Payload: Buffer.from(n) }));
      // Both were accepted at once; the second started only when the first had ended.
      expect(order).toEqual(['start 1']);
      const deadline = Date.now() + 10_000;
      while (order.length < 4 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(order).toEqual(['start 1', 'end 1', 'start 2', 'end 2']);
    } finally {
      await queued.stop();
    }
  });
});
