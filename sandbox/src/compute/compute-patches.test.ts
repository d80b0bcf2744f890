import { DescribeTasksCommand, ECSClient, RegisterTaskDefinitionCommand, RunTaskCommand, CreateClusterCommand } from '@aws-sdk/client-ecs';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateFunctionCommand, InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { freePort } from '@switchyard/api/local-table';
import { toAlbEvent } from '@switchyard/lambda-local/events';
import { startLocalAws, type LocalAws } from '../local-aws/fidelity-layer';
import { findMoto, MOTO_INSTALL_HINT, startMoto, type MotoServer } from '../local-aws/moto-server';
import { API_ROOT, localAwsEnvironment, SANDBOX_CREDENTIALS } from '../sandbox-state';
import { EcsAgent } from './ecs-agent';
import { startLambdaTarget, type LambdaTarget } from '../data-plane/lambda-target';
import { BRIDGE_ANSWER_HEADER } from '../data-plane/request-log';
import { LambdaInvoker } from './lambda-invoke';
import { processLauncher } from './task-launcher';

/*
 * The patches that run code, with the real SDK clients against a real moto: Invoke of an image
 * function and RunTask of a Fargate task definition, which moto 5.2.1 cannot serve. Here they run
 * the built bundles as processes; the apply tier runs them in the image under podman.
 */

let moto: MotoServer;
let layer: LocalAws;
let agent: EcsAgent;
let invoker: LambdaInvoker;
const config = (endpoint: string) => ({
  endpoint,
  region: 'us-east-1',
  credentials: SANDBOX_CREDENTIALS,
  maxAttempts: 1,
});

beforeAll(async () => {
  const command = findMoto();
  if (!command) throw new Error(MOTO_INSTALL_HINT);
  moto = await startMoto(command, await freePort());
  const port = await freePort();
  const awsEnvironment = localAwsEnvironment(`http://127.0.0.1:${port}`);
  const launcher = processLauncher(API_ROOT);
  agent = new EcsAgent({
    launcher,
    awsEnvironment,
    freePort,
    targetGroupHealthCheck: () => Promise.reject(new Error('no target group here')),
  });
  invoker = new LambdaInvoker({ launcher, awsEnvironment, region: 'us-east-1' });
  layer = await startLocalAws({ motoUrl: moto.url, port, patches: [agent.patch, invoker.patch] });
}, 90_000);

afterAll(async () => {
  agent?.shutdown();
  invoker?.shutdown();
  await layer?.close();
  if (!moto || moto.process.exitCode !== null) return;
  const exited = new Promise((resolve) => moto.process.once('exit', resolve));
  moto.process.kill('SIGTERM');
  await exited;
});

describe('lambda-image-invoke', () => {
  beforeAll(async () => {
    const iam = new IAMClient(config(moto.url));
    const role = (await iam.send(new CreateRoleCommand({ RoleName: 'switchyard-invoke', AssumeRolePolicyDocument: '{}' }))).Role!.Arn!;
    await new LambdaClient(config(moto.url)).send(
      new CreateFunctionCommand({
        FunctionName: 'switchyard-invoke',
        PackageType: 'Image',
        Code: { ImageUri: '123456789012.dkr.ecr.us-east-1.amazonaws.com/switchyard:test' },
        ImageConfig: { Command: ['dist/lambda.handler'] },
        Role: role,
        Timeout: 30,
      }),
    );
  });
  const health = Buffer.from(JSON.stringify(toAlbEvent({ method: 'GET', path: '/', headers: { host: 'sandbox' } }, true)));

  test('a synchronous Invoke runs the function and answers its result', async () => {
    const answer = await new LambdaClient(config(layer.endpoint)).send(
      new InvokeCommand({ FunctionName: 'switchyard-invoke', Payload: health }),
    );
    expect(answer.StatusCode).toBe(200);
    expect(answer.FunctionError).toBeUndefined();
    const result = JSON.parse(Buffer.from(answer.Payload!).toString()) as { statusCode: number; body: string };
    expect({ statusCode: result.statusCode, body: JSON.parse(result.body) }).toEqual({
      statusCode: 200,
      body: { message: 'Hello from lambda', compute: 'lambda' },
    });
  });

  test('an asynchronous Invoke is accepted with 202 and runs', async () => {
    const before = invoker.invocations.get('switchyard-invoke') ?? 0;
    const answer = await new LambdaClient(config(layer.endpoint)).send(
      new InvokeCommand({ FunctionName: 'switchyard-invoke', InvocationType: 'Event', Payload: health }),
    );
    expect(answer.StatusCode).toBe(202);
    expect(invoker.invocations.get('switchyard-invoke')).toBe(before + 1);
  });

  describe("the load balancer's Lambda target", () => {
    let target: LambdaTarget;
    let missing: LambdaTarget;
    let unregistered: LambdaTarget;
    let unreachable: LambdaTarget;
    beforeAll(async () => {
      target = await startLambdaTarget({
        endpoint: layer.endpoint,
        targetGroup: () => ({ functionArn: 'switchyard-invoke', multiValueHeaders: true }),
      });
      missing = await startLambdaTarget({
        endpoint: layer.endpoint,
        targetGroup: () => ({ functionArn: 'no-such-function', multiValueHeaders: true }),
      });
      unregistered = await startLambdaTarget({
        endpoint: layer.endpoint,
        targetGroup: () => ({ functionArn: undefined, multiValueHeaders: true }),
      });
      // Lambda itself out of reach: nothing listens there.
      unreachable = await startLambdaTarget({
        endpoint: `http://127.0.0.1:${await freePort()}`,
        targetGroup: () => ({ functionArn: 'switchyard-invoke', multiValueHeaders: true }),
      });
    });
    afterAll(async () => {
      await Promise.all([target, missing, unregistered, unreachable].map((t) => t?.close()));
    });
    const url = (t: LambdaTarget, path: string) => `http://${t.address.host}:${t.address.port}${path}`;

    test('serves HTTP by invoking the function with the ALB event, and answers what the function returned', async () => {
      const response = await fetch(url(target, '/'));
      expect(response.status).toBe(200);
      expect(response.headers.get(BRIDGE_ANSWER_HEADER)).toBeNull();
      expect(await response.json()).toEqual({ message: 'Hello from lambda', compute: 'lambda' });
      const notFound = await fetch(url(target, '/no-such-route'));
      expect(notFound.status).toBe(404);
      expect(notFound.headers.get(BRIDGE_ANSWER_HEADER)).toBeNull();
      expect(target.invocations.ok).toBeGreaterThanOrEqual(2);
    });

    test('answers 502 with a JSON error when the invocation fails, as the ALB does', async () => {
      const response = await fetch(url(missing, '/'));
      expect(response.status).toBe(502);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('BAD_GATEWAY');
    });

    test('answers 413 for a request body over 1 MB, without invoking', async () => {
      const before = target.invocations.ok + target.invocations.failed;
      const response = await fetch(url(target, '/'), { method: 'POST', body: Buffer.alloc(1_000_001, 97) });
      expect(response.status).toBe(413);
      expect(target.invocations.ok + target.invocations.failed).toBe(before);
    });

    // The load balancer logs the mark and removes it (haproxy.test.ts); here it is seen as the bridge sends it.
    test.each<[string, () => LambdaTarget, number, string]>([
      ['a function Lambda cannot find: a LambdaUserError', () => missing, 502, 'lambda-user-error'],
      ['Lambda out of reach: a LambdaInternalError', () => unreachable, 502, 'lambda-internal-error'],
      ['no function registered: no target', () => unregistered, 503, 'no-target'],
      ['a body over 1 MB: a LambdaUserError', () => target, 413, 'lambda-user-error'],
    ])("marks the ALB's own answer for %s", async (_, bridge, status, mark) => {
      const body = status === 413 ? Buffer.alloc(1_000_001, 97) : undefined;
      const response = await fetch(url(bridge(), '/'), { method: body ? 'POST' : 'GET', body });
      expect([response.status, response.headers.get(BRIDGE_ANSWER_HEADER)]).toEqual([status, mark]);
    });
  });

  test('moto 5.2.1 alone: Invoke of an image function does not run it', async () => {
    const answer = new LambdaClient(config(moto.url)).send(new InvokeCommand({ FunctionName: 'switchyard-invoke', Payload: health }));
    // moto either refuses, or answers without running anything: no result of the app's.
    const text = await answer.then(
      (a) => Buffer.from(a.Payload ?? []).toString(),
      (err: Error) => err.message,
    );
    expect(text).not.toContain('Hello from lambda');
  });
});

describe('ecs-tasks', () => {
  const cluster = 'switchyard-jobs';
  let taskDefinition: string;
  beforeAll(async () => {
    const ecs = new ECSClient(config(moto.url));
    await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
    taskDefinition = (
      await ecs.send(
        new RegisterTaskDefinitionCommand({
          family: 'switchyard-job',
          requiresCompatibilities: ['FARGATE'],
          networkMode: 'awsvpc',
          cpu: '256',
          memory: '512',
          containerDefinitions: [
            {
              name: 'api',
              image: 'switchyard:test',
              entryPoint: ['node'],
              command: ['dist/job.js'],
              environment: [{ name: 'EXIT', value: '3' }],
            },
          ],
        }),
      )
    ).taskDefinition!.taskDefinitionArn!;
  });

  test('RunTask runs the container with the override, and DescribeTasks follows it to STOPPED with its exit code', async () => {
    const ecs = new ECSClient(config(layer.endpoint));
    const { tasks, failures } = await ecs.send(
      new RunTaskCommand({
        cluster,
        taskDefinition,
        launchType: 'FARGATE',
        overrides: { containerOverrides: [{ name: 'api', command: ['-e', 'process.exit(Number(process.env.EXIT))'] }] },
      }),
    );
    expect(failures).toEqual([]);
    const arn = tasks![0]!.taskArn!;
    let task = (await ecs.send(new DescribeTasksCommand({ cluster, tasks: [arn] }))).tasks![0]!;
    for (let i = 0; i < 100 && task.lastStatus !== 'STOPPED'; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      task = (await ecs.send(new DescribeTasksCommand({ cluster, tasks: [arn] }))).tasks![0]!;
    }
    expect(task).toMatchObject({
      lastStatus: 'STOPPED',
      stopCode: 'EssentialContainerExited',
      containers: [expect.objectContaining({ name: 'api', exitCode: 3 })],
    });
  });

  test('moto 5.2.1 alone: RunTask refuses a Fargate task definition sized per task', async () => {
    await expect(
      new ECSClient(config(moto.url)).send(new RunTaskCommand({ cluster, taskDefinition, launchType: 'FARGATE' })),
    ).rejects.toMatchObject({
      $metadata: { httpStatusCode: 500 },
    });
  });
});
