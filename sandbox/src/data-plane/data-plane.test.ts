import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
import { LambdaInvoker } from '../compute/lambda-invoke';
import { processLauncher } from '../compute/task-launcher';
import { startLocalAws, type LocalAws } from '../local-aws/fidelity-layer';
import { findMoto, MOTO_INSTALL_HINT, startMoto, type MotoServer } from '../local-aws/moto-server';
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
  layer = await startLocalAws({ motoUrl: moto.url, port, patches: [invoker.patch, dataPlane.patch] });
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
