import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { CreateSubnetCommand, CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  DeleteListenerCommand,
  DeleteLoadBalancerCommand,
  DeregisterTargetsCommand,
  DescribeLoadBalancersCommand,
  ElasticLoadBalancingV2Client,
  ModifyRuleCommand,
  ModifyTargetGroupAttributesCommand,
  RegisterTargetsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { freePort } from '@switchyard/api/local-table';
import {
  ALB_NAMESPACE,
  LOAD_BALANCER_METRICS as LB,
  loadBalancerArnSuffix,
  loadBalancerDimensions,
  TARGET_GROUP_METRICS as TG,
  targetGroupArnSuffix,
  targetGroupDimensions,
  type Dimension,
} from '@switchyard/infra/alb-metrics';
import { LambdaInvoker } from '../compute/lambda-invoke';
import { processLauncher } from '../compute/task-launcher';
import { startLocalAws, type LocalAws } from '../local-aws/fidelity-layer';
import { findMoto, MOTO_INSTALL_HINT, startMoto, type MotoServer } from '../local-aws/moto-server';
import { cloudWatchPercentiles, cloudWatchStartTime } from '../local-aws/patches/cloudwatch-metric-data';
import { requestCompression } from '../local-aws/patches/request-compression';
import { API_ROOT, localAwsEnvironment, SANDBOX_CREDENTIALS } from '../sandbox-state';
import { servedBy } from '../../test/support/served-by';
import { DataPlane, loadBalancerArnOf } from './data-plane';
import type { RuleDelay } from './rule-delay';

/*
 * The load balancer's data plane behind a real moto, driven only through the ELBv2 API as the
 * stack's apply drives it: its DNS name answers, requests follow the listener rule's weights (late,
 * by the rule delay) to the function's Invoke or to registered, healthy targets, and a deregistered
 * target drains.
 */

let moto: MotoServer;
let layer: LocalAws;
let dataPlane: DataPlane;
let invoker: LambdaInvoker;
let stateDir: string;
let ruleDelay: RuleDelay = { minSeconds: 0, maxSeconds: 0 };
const config = (endpoint: string) => ({ endpoint, region: 'us-east-1', credentials: SANDBOX_CREDENTIALS, maxAttempts: 1 });

/** A stand-in for a Fargate task: the app's answer on `/`, a health path, and a slow path to drain. */
let task: Server;
let taskPort: number;

beforeAll(async () => {
  const command = findMoto();
  if (!command) throw new Error(MOTO_INSTALL_HINT);
  moto = await startMoto(command, await freePort());
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  stateDir = mkdtempSync(join(tmpdir(), 'switchyard-data-plane-'));
  invoker = new LambdaInvoker({
    launcher: processLauncher(API_ROOT),
    awsEnvironment: localAwsEnvironment(endpoint),
    region: 'us-east-1',
  });
  dataPlane = new DataPlane({ stateDir, controlPlaneUrl: moto.url, endpoint, freePort, ruleDelay: () => ruleDelay });
  layer = await startLocalAws({
    motoUrl: moto.url,
    port,
    // The load balancers publish their metrics through the layer, as the daemon has them do.
    patches: [requestCompression(), cloudWatchStartTime(), cloudWatchPercentiles(), invoker.patch, dataPlane.patch],
  });
  task = createServer((req, res) => {
    if (req.url === '/health') {
      res.writeHead(200).end();
      return;
    }
    const answer = () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ compute: 'fargate' }));
    if (req.url === '/slow') setTimeout(answer, 3000);
    else answer();
  });
  await new Promise<void>((resolve) => task.listen(0, '127.0.0.1', resolve));
  taskPort = (task.address() as AddressInfo).port;
}, 90_000);

afterAll(async () => {
  await dataPlane?.shutdown();
  invoker?.shutdown();
  await layer?.close();
  task?.closeAllConnections();
  await new Promise((resolve) => task?.close(resolve));
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  if (!moto || moto.process.exitCode !== null) return;
  const exited = new Promise((resolve) => moto.process.once('exit', resolve));
  moto.process.kill('SIGTERM');
  await exited;
});

/**
 * One request on a connection of its own. A target's hang-up on a server connection HAProxy reused
 * for a client connection it kept alive is closed unanswered and unlogged, for the client to retry
 * (docs/sandbox.md); the ALB answers 502.
 */
function get(url: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Listens on the port and lets it go again: rejects with EADDRINUSE while something holds it. */
function listenOn(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
  });
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, deadlineMs = 30_000): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('an ALB the stack would make', () => {
  const elb = () => new ElasticLoadBalancingV2Client(config(layer.endpoint));
  let url: string;
  let ruleArn: string;
  let lambdaGroup: string;
  let ipGroup: string;
  let functionArn: string;
  let subnets: string[];

  beforeAll(async () => {
    const ec2 = new EC2Client(config(layer.endpoint));
    const { Vpc } = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
    subnets = await Promise.all(
      ['10.0.1.0/24', '10.0.2.0/24'].map(
        async (CidrBlock, i) =>
          (await ec2.send(new CreateSubnetCommand({ VpcId: Vpc!.VpcId, CidrBlock, AvailabilityZone: `us-east-1${'ab'[i]}` }))).Subnet!
            .SubnetId!,
      ),
    );
    const iam = new IAMClient(config(layer.endpoint));
    const role = (await iam.send(new CreateRoleCommand({ RoleName: 'switchyard-lb', AssumeRolePolicyDocument: '{}' }))).Role!.Arn!;
    const fn = await new LambdaClient(config(layer.endpoint)).send(
      new CreateFunctionCommand({
        FunctionName: 'switchyard-lb',
        PackageType: 'Image',
        Code: { ImageUri: '123456789012.dkr.ecr.us-east-1.amazonaws.com/switchyard:test' },
        ImageConfig: { Command: ['dist/lambda.handler'] },
        Role: role,
        Timeout: 30,
      }),
    );
    functionArn = fn.FunctionArn!;
    const client = elb();
    const balancer = (await client.send(new CreateLoadBalancerCommand({ Name: 'switchyard-test', Subnets: subnets, Type: 'application' })))
      .LoadBalancers![0]!;
    url = `http://${balancer.DNSName}/`;
    lambdaGroup = (await client.send(new CreateTargetGroupCommand({ Name: 'switchyard-lambda', TargetType: 'lambda' }))).TargetGroups![0]!
      .TargetGroupArn!;
    await client.send(
      new ModifyTargetGroupAttributesCommand({
        TargetGroupArn: lambdaGroup,
        Attributes: [{ Key: 'lambda.multi_value_headers.enabled', Value: 'true' }],
      }),
    );
    ipGroup = (
      await client.send(
        new CreateTargetGroupCommand({
          Name: 'switchyard-fargate',
          TargetType: 'ip',
          Protocol: 'HTTP',
          Port: 8080,
          VpcId: Vpc!.VpcId,
          HealthCheckPath: '/health',
          HealthCheckIntervalSeconds: 5,
          HealthyThresholdCount: 2,
          UnhealthyThresholdCount: 2,
        }),
      )
    ).TargetGroups![0]!.TargetGroupArn!;
    await client.send(
      new ModifyTargetGroupAttributesCommand({
        TargetGroupArn: ipGroup,
        Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '10' }],
      }),
    );
    await client.send(new RegisterTargetsCommand({ TargetGroupArn: lambdaGroup, Targets: [{ Id: fn.FunctionArn! }] }));
    const weighted = (lambda: number) => [
      {
        Type: 'forward' as const,
        ForwardConfig: {
          TargetGroups: [
            { TargetGroupArn: lambdaGroup, Weight: lambda },
            { TargetGroupArn: ipGroup, Weight: 100 - lambda },
          ],
        },
      },
    ];
    const listener = (
      await client.send(
        new CreateListenerCommand({ LoadBalancerArn: balancer.LoadBalancerArn, Protocol: 'HTTP', Port: 80, DefaultActions: weighted(100) }),
      )
    ).Listeners![0]!;
    ruleArn = (
      await client.send(
        new CreateRuleCommand({
          ListenerArn: listener.ListenerArn,
          Priority: 100,
          Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/*'] } }],
          Actions: weighted(100),
        }),
      )
    ).Rules![0]!.RuleArn!;
  }, 90_000);

  const setLambdaWeight = (lambda: number) =>
    elb().send(
      new ModifyRuleCommand({
        RuleArn: ruleArn,
        Actions: [
          {
            Type: 'forward',
            ForwardConfig: {
              TargetGroups: [
                { TargetGroupArn: lambdaGroup, Weight: lambda },
                { TargetGroupArn: ipGroup, Weight: 100 - lambda },
              ],
            },
          },
        ],
      }),
    );

  test('its port is held from its creation on, and served only while it has a listener', async () => {
    const client = elb();
    const balancer = (await client.send(new CreateLoadBalancerCommand({ Name: 'switchyard-held', Subnets: subnets, Type: 'application' })))
      .LoadBalancers![0]!;
    const port = Number(balancer.DNSName!.split(':')[1]);
    // Nothing else on the machine can take the port the DNS name names...
    await expect(listenOn(port)).rejects.toMatchObject({ code: 'EADDRINUSE' });
    // ...and without a listener, no request is answered.
    const held = `http://${balancer.DNSName}/`;
    await expect(fetch(held)).rejects.toThrow();
    const group = (await client.send(new CreateTargetGroupCommand({ Name: 'switchyard-held-lambda', TargetType: 'lambda' })))
      .TargetGroups![0]!.TargetGroupArn!;
    await client.send(new RegisterTargetsCommand({ TargetGroupArn: group, Targets: [{ Id: functionArn }] }));
    const listener = (
      await client.send(
        new CreateListenerCommand({
          LoadBalancerArn: balancer.LoadBalancerArn,
          Protocol: 'HTTP',
          Port: 80,
          DefaultActions: [{ Type: 'forward', TargetGroupArn: group }],
        }),
      )
    ).Listeners![0]!;
    await until('the listener to serve', async () => ((await servedBy(held, 3)).lambda === 3 ? true : undefined));
    await client.send(new DeleteListenerCommand({ ListenerArn: listener.ListenerArn }));
    await until('the listener to be gone', () =>
      fetch(held).then(
        () => undefined,
        () => true,
      ),
    );
    await client.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: balancer.LoadBalancerArn }));
    // A deleted load balancer lets its port go.
    await until('the port to be released', () => listenOn(port).then(() => true));
  }, 90_000);

  test("its DNS name is the loopback address its proxy serves; moto's is not", async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const { LoadBalancers } = await new ElasticLoadBalancingV2Client(config(moto.url)).send(new DescribeLoadBalancersCommand({}));
    expect(LoadBalancers![0]!.DNSName).not.toMatch(/^127\.0\.0\.1/);
  });

  test("at Lambda 100%, every request is the function's answer, through Invoke", async () => {
    const by = await until('the listener to serve', async () => {
      const answers = await servedBy(url, 10);
      return answers.lambda === 10 ? answers : undefined;
    });
    expect(by).toEqual({ lambda: 10 });
  }, 60_000);

  test('a registered target gets requests only once healthy; at Fargate 100%, every request is its answer', async () => {
    await elb().send(new RegisterTargetsCommand({ TargetGroupArn: ipGroup, Targets: [{ Id: '127.0.0.1', Port: taskPort }] }));
    await setLambdaWeight(0);
    const by = await until('the rule and the target', async () => {
      const answers = await servedBy(url, 10);
      return answers.fargate === 10 ? answers : undefined;
    });
    expect(by).toEqual({ fargate: 10 });
  }, 60_000);

  test('a rule change reaches the load balancer only after the rule delay', async () => {
    ruleDelay = { minSeconds: 8, maxSeconds: 8 };
    try {
      const changed = Date.now();
      await setLambdaWeight(100);
      // Read at once: the change is in the control plane, not yet in the load balancer.
      expect(dataPlane.appliedShares()['switchyard-test']).toEqual({ lambda: 0, ip: 100 });
      await until('the change to arrive', async () => (dataPlane.appliedShares()['switchyard-test']?.lambda === 100 ? true : undefined));
      expect(Date.now() - changed).toBeGreaterThanOrEqual(8000);
      expect(await servedBy(url, 5)).toEqual({ lambda: 5 });
    } finally {
      ruleDelay = { minSeconds: 0, maxSeconds: 0 };
    }
  }, 60_000);

  test('a deregistered target takes no new request, and one in flight still finishes', async () => {
    await setLambdaWeight(0);
    await until('Fargate to serve', async () => ((await servedBy(url, 3)).fargate === 3 ? true : undefined));
    const inFlight = fetch(`${url}slow`);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await elb().send(new DeregisterTargetsCommand({ TargetGroupArn: ipGroup, Targets: [{ Id: '127.0.0.1', Port: taskPort }] }));
    const slow = await inFlight;
    expect(slow.status).toBe(200);
    // No target left in the group: the ALB answers 503.
    expect(await servedBy(url, 3)).toEqual({ 503: 3 });
  }, 60_000);
});

describe("the ALB's CloudWatch metrics, as its clients saw it", () => {
  const elb = () => new ElasticLoadBalancingV2Client(config(layer.endpoint));
  /** What each request the test made got, by who answered it and how. */
  const seen: Record<string, number> = {};
  let url: string;
  let balancerArn: string;
  let ruleArn: string;
  let groups: { good: string; failing: string; ip: string };
  /** A task of its own: its answers say so, and it can fail, be slow or hang up. */
  let task: Server;
  let target: { Id: string; Port: number };
  let since: number;

  /** One request, counted by what the client can tell of who answered. */
  async function call(path = '/'): Promise<string> {
    const response = await get(`${url}${path.slice(1)}`);
    const text = response.body;
    const outcome =
      response.headers['x-served-by'] === 'fargate'
        ? `fargate ${response.status}`
        : text.includes('"compute":"lambda"')
          ? 'lambda'
          : text.includes('BAD_GATEWAY')
            ? 'function error'
            : `load balancer ${response.status}`;
    seen[outcome] = (seen[outcome] ?? 0) + 1;
    return outcome;
  }
  const calls = async (n: number, path?: string) => {
    for (let i = 0; i < n; i += 1) await call(path);
  };
  const forward = (lambdaGroup: string, lambda: number) =>
    elb().send(
      new ModifyRuleCommand({
        RuleArn: ruleArn,
        Actions: [
          {
            Type: 'forward',
            ForwardConfig: {
              TargetGroups: [
                { TargetGroupArn: lambdaGroup, Weight: lambda },
                { TargetGroupArn: groups.ip, Weight: 100 - lambda },
              ],
            },
          },
        ],
      }),
    );
  const applied = (lambda: number) =>
    until(`Lambda at ${lambda}%`, async () => (dataPlane.appliedShares()['switchyard-metrics']?.lambda === lambda ? true : undefined));

  beforeAll(async () => {
    since = Date.now();
    task = createServer((req, res) => {
      res.setHeader('x-served-by', 'fargate');
      if (req.url === '/close') req.socket.destroy();
      else if (req.url === '/fail') res.writeHead(500).end('failed');
      else if (req.url === '/slow') setTimeout(() => res.end('slow'), 1500);
      else res.end('ok');
    });
    await new Promise<void>((resolve) => task.listen(0, '127.0.0.1', resolve));
    target = { Id: '127.0.0.1', Port: (task.address() as AddressInfo).port };
    const ec2 = new EC2Client(config(layer.endpoint));
    const { Vpc } = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.1.0.0/16' }));
    const subnets = await Promise.all(
      ['10.1.1.0/24', '10.1.2.0/24'].map(
        async (CidrBlock, i) =>
          (await ec2.send(new CreateSubnetCommand({ VpcId: Vpc!.VpcId, CidrBlock, AvailabilityZone: `us-east-1${'ab'[i]}` }))).Subnet!
            .SubnetId!,
      ),
    );
    const lambda = new LambdaClient(config(layer.endpoint));
    const role = (
      await new IAMClient(config(layer.endpoint)).send(
        new CreateRoleCommand({ RoleName: 'switchyard-metrics', AssumeRolePolicyDocument: '{}' }),
      )
    ).Role!.Arn!;
    const fn = (FunctionName: string, handler: string) =>
      lambda.send(
        new CreateFunctionCommand({
          FunctionName,
          PackageType: 'Image',
          Code: { ImageUri: '123456789012.dkr.ecr.us-east-1.amazonaws.com/switchyard:test' },
          ImageConfig: { Command: [handler] },
          Role: role,
          Timeout: 30,
        }),
      );
    const good = (await fn('switchyard-metrics', 'dist/lambda.handler')).FunctionArn!;
    // A handler the image does not have: every invocation is a function error.
    const failing = (await fn('switchyard-metrics-failing', 'dist/lambda.noSuchHandler')).FunctionArn!;
    const client = elb();
    const balancer = (
      await client.send(new CreateLoadBalancerCommand({ Name: 'switchyard-metrics', Subnets: subnets, Type: 'application' }))
    ).LoadBalancers![0]!;
    balancerArn = balancer.LoadBalancerArn!;
    url = `http://${balancer.DNSName}/`;
    const lambdaGroup = async (Name: string, functionArn: string) => {
      const arn = (await client.send(new CreateTargetGroupCommand({ Name, TargetType: 'lambda' }))).TargetGroups![0]!.TargetGroupArn!;
      await client.send(new RegisterTargetsCommand({ TargetGroupArn: arn, Targets: [{ Id: functionArn }] }));
      return arn;
    };
    groups = {
      good: await lambdaGroup('switchyard-metrics-lambda', good),
      failing: await lambdaGroup('switchyard-metrics-failing', failing),
      ip: (
        await client.send(
          new CreateTargetGroupCommand({
            Name: 'switchyard-metrics-fargate',
            TargetType: 'ip',
            Protocol: 'HTTP',
            Port: 8080,
            VpcId: Vpc!.VpcId,
            HealthCheckPath: '/health',
            HealthCheckIntervalSeconds: 5,
            HealthyThresholdCount: 2,
            UnhealthyThresholdCount: 2,
          }),
        )
      ).TargetGroups![0]!.TargetGroupArn!,
    };
    const listener = (
      await client.send(
        new CreateListenerCommand({
          LoadBalancerArn: balancerArn,
          Protocol: 'HTTP',
          Port: 80,
          DefaultActions: [{ Type: 'forward', TargetGroupArn: groups.good }],
        }),
      )
    ).Listeners![0]!;
    ruleArn = (
      await client.send(
        new CreateRuleCommand({
          ListenerArn: listener.ListenerArn,
          Priority: 100,
          Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/*'] } }],
          Actions: [{ Type: 'forward', TargetGroupArn: groups.good }],
        }),
      )
    ).Rules![0]!.RuleArn!;
  }, 90_000);

  afterAll(async () => {
    task?.closeAllConnections();
    await new Promise((resolve) => task?.close(resolve));
  });

  /** The whole test's datapoints, as one period: every minute it ran, however they fell. */
  async function read(
    queries: Array<[id: string, dimensions: Dimension[], metric: string, stat: string]>,
  ): Promise<Record<string, number>> {
    const { MetricDataResults } = await new CloudWatchClient(config(layer.endpoint)).send(
      new GetMetricDataCommand({
        StartTime: new Date(since - 60_000),
        EndTime: new Date(Date.now() + 120_000),
        MetricDataQueries: queries.map(([Id, Dimensions, MetricName, Stat]) => ({
          Id,
          MetricStat: { Metric: { Namespace: ALB_NAMESPACE, MetricName, Dimensions }, Period: 3600, Stat },
        })),
      }),
    );
    return Object.fromEntries(MetricDataResults!.map((r) => [r.Id, r.Values![0] ?? 0]));
  }

  test('count what the clients saw, per target group and for the load balancer, with the target response time and host health', async () => {
    // Fargate only: its answers, its own 500s, a slow path, and a hang-up the load balancer answers 502 for.
    await forward(groups.good, 0);
    await elb().send(new RegisterTargetsCommand({ TargetGroupArn: groups.ip, Targets: [target] }));
    await until('the task to serve', async () => ((await call()) === 'fargate 200' ? true : undefined));
    await calls(3);
    await calls(2, '/fail');
    await calls(1, '/close');
    await calls(2, '/slow');
    // A look at the targets' health while the task is registered and healthy.
    await dataPlane.flushMetrics();

    // A function that fails: the bridge's 502s (until the rule reaches the proxy, the task answers).
    await forward(groups.failing, 100);
    await until('the function to fail', async () => ((await call()) === 'function error' ? true : undefined));
    await calls(1);

    // Half and half, with the working function.
    await forward(groups.good, 50);
    await applied(50);
    await calls(10);

    // The task leaves: the IP target group has no target, and the load balancer answers 503.
    await elb().send(new DeregisterTargetsCommand({ TargetGroupArn: groups.ip, Targets: [target] }));
    await until('the task to be gone', async () => ((await call()) === 'load balancer 503' ? true : undefined));
    await calls(4);

    const made = Object.values(seen).reduce((sum, n) => sum + n, 0);
    const count = (outcome: string) => seen[outcome] ?? 0;
    const balancer = loadBalancerDimensions(loadBalancerArnSuffix(balancerArn));
    const group = (arn: string) => targetGroupDimensions(loadBalancerArnSuffix(balancerArn), targetGroupArnSuffix(arn));
    // Every request is in once the requests a target was chosen for and those none could be add up to all of them.
    await until('every request to be published', async () => {
      await dataPlane.flushMetrics();
      const { requests, noTarget } = await read([
        ['requests', balancer, LB.requests, 'Sum'],
        ['noTarget', balancer, LB.elb503, 'Sum'],
      ]);
      return requests! + noTarget! === made ? true : undefined;
    });

    const fargate = count('fargate 200') + count('fargate 500');
    expect(
      await read([
        ['requests', balancer, LB.requests, 'Sum'],
        ['elb5xx', balancer, LB.elb5xx, 'Sum'],
        ['elb502', balancer, LB.elb502, 'Sum'],
        ['elb503', balancer, LB.elb503, 'Sum'],
        ['elb504', balancer, LB.elb504, 'Sum'],
        ['ipRequests', group(groups.ip), TG.requests, 'Sum'],
        ['ipTarget5xx', group(groups.ip), TG.target5xx, 'Sum'],
        ['ipTimes', group(groups.ip), TG.responseTime, 'SampleCount'],
        ['ipConnectionErrors', group(groups.ip), TG.connectionErrors, 'Sum'],
        ['ipHealthy', group(groups.ip), TG.healthyHosts, 'Maximum'],
        ['ipUnhealthy', group(groups.ip), TG.unhealthyHosts, 'Maximum'],
        ['failingRequests', group(groups.failing), TG.requests, 'Sum'],
        ['failingUserErrors', group(groups.failing), TG.lambdaUserError, 'Sum'],
        ['failingTarget5xx', group(groups.failing), TG.target5xx, 'Sum'],
        ['goodRequests', group(groups.good), TG.requests, 'Sum'],
        ['goodTimes', group(groups.good), TG.responseTime, 'SampleCount'],
        ['goodErrors', group(groups.good), TG.lambdaUserError, 'Sum'],
      ]),
    ).toEqual({
      requests: made - count('load balancer 503'),
      elb5xx: count('load balancer 502') + count('function error') + count('load balancer 503'),
      elb502: count('load balancer 502') + count('function error'),
      elb503: count('load balancer 503'),
      elb504: 0,
      // The hang-up is a request the target was chosen for; its 502 is the load balancer's.
      ipRequests: fargate + count('load balancer 502'),
      ipTarget5xx: count('fargate 500'),
      ipTimes: fargate,
      ipConnectionErrors: 0,
      ipHealthy: 1,
      ipUnhealthy: 0,
      failingRequests: count('function error'),
      failingUserErrors: count('function error'),
      failingTarget5xx: 0,
      goodRequests: count('lambda'),
      goodTimes: count('lambda'),
      goodErrors: 0,
    });
    expect(count('fargate 500')).toBe(2);
    expect(count('load balancer 502')).toBe(1);
    expect(count('function error')).toBeGreaterThanOrEqual(2);

    // The slow path is the Fargate group's p99; most requests are far quicker.
    const { p50, p99, average } = await read([
      ['p50', group(groups.ip), TG.responseTime, 'p50'],
      ['p99', group(groups.ip), TG.responseTime, 'p99'],
      ['average', group(groups.ip), TG.responseTime, 'Average'],
    ]);
    expect(p99).toBeGreaterThanOrEqual(1.5);
    expect(p50).toBeLessThan(1);
    expect(average).toBeGreaterThan(p50!);
    expect(average).toBeLessThan(p99!);
  }, 120_000);
});

test('a listener or rule ARN names its load balancer', () => {
  const balancer = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/switchyard-dev/50dc6c495c0c9188';
  expect(
    loadBalancerArnOf('arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/switchyard-dev/50dc6c495c0c9188/f2f7dc8efc522ab2'),
  ).toBe(balancer);
  expect(
    loadBalancerArnOf(
      'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/switchyard-dev/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee',
    ),
  ).toBe(balancer);
});
