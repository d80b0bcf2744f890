import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudWatchClient, PutMetricDataCommand, type MetricDatum } from '@aws-sdk/client-cloudwatch';
import { CreateSubnetCommand, CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { freePort } from '@switchyard/api/local-table';
import {
  ALB_NAMESPACE,
  loadBalancerArnSuffix,
  loadBalancerDimensions,
  targetGroupArnSuffix,
  targetGroupDimensions,
} from '@switchyard/infra/alb-metrics';
import { ENVIRONMENTS } from '@switchyard/infra/environments';
import { readFlipState, writeFlipState, type FlipState } from '@switchyard/infra/flip-state';
import { ruleLambdaWeight, setRuleLambdaWeight } from '@switchyard/infra/listener-rule';
import { Flip, FLIP_EXIT } from '@switchyard/infra/run-flip';
import type { StackIds } from '@switchyard/infra/stack-ids';
import { bakeWindow } from '@switchyard/infra/step-metrics';
import { findMoto, MOTO_INSTALL_HINT, startMoto, type MotoServer } from '../src/local-aws/moto-server';
import { SANDBOX_CREDENTIALS } from '../src/sandbox-state';

/*
 * pnpm flip's judgement against a real control plane (moto's server): the listener rule read back
 * and set with DescribeRules and ModifyRule, the metrics read with GetMetricData. The ALB's metrics
 * are published as the load balancer would for each bake window, and the clock is the test's, so a
 * window of whole minutes takes no minute. The apply stands for `cdktf deploy`: it sets the rule, as
 * the stack's apply does (the apply tier runs the real one).
 */

const net = ENVIRONMENTS.dev!.safetyNet;
let moto: MotoServer;
let elb: ElasticLoadBalancingV2Client;
let cloudwatch: CloudWatchClient;
let ids: StackIds;
let dir: string;

beforeAll(async () => {
  const command = findMoto();
  if (!command) throw new Error(MOTO_INSTALL_HINT);
  moto = await startMoto(command, await freePort());
  const config = { endpoint: moto.url, region: 'us-east-1', credentials: SANDBOX_CREDENTIALS };
  elb = new ElasticLoadBalancingV2Client(config);
  cloudwatch = new CloudWatchClient(config);
  const ec2 = new EC2Client(config);
  const { Vpc } = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
  const subnets = await Promise.all(
    ['10.0.1.0/24', '10.0.2.0/24'].map(
      async (CidrBlock, i) =>
        (await ec2.send(new CreateSubnetCommand({ VpcId: Vpc!.VpcId, CidrBlock, AvailabilityZone: `us-east-1${'ab'[i]}` }))).Subnet!
          .SubnetId!,
    ),
  );
  ec2.destroy();
  const balancer = (await elb.send(new CreateLoadBalancerCommand({ Name: 'switchyard-dev', Subnets: subnets, Type: 'application' })))
    .LoadBalancers![0]!;
  const group = async (Name: string, TargetType: 'lambda' | 'ip') =>
    (
      await elb.send(
        new CreateTargetGroupCommand({
          Name,
          TargetType,
          ...(TargetType === 'ip' ? { Protocol: 'HTTP', Port: 8080, VpcId: Vpc!.VpcId } : {}),
        }),
      )
    ).TargetGroups![0]!.TargetGroupArn!;
  const lambda = await group('switchyard-dev-lambda', 'lambda');
  const fargate = await group('switchyard-dev-fargate', 'ip');
  const forward = [
    {
      Type: 'forward' as const,
      ForwardConfig: {
        TargetGroups: [
          { TargetGroupArn: lambda, Weight: 100 },
          { TargetGroupArn: fargate, Weight: 0 },
        ],
      },
    },
  ];
  const listener = (
    await elb.send(
      new CreateListenerCommand({ LoadBalancerArn: balancer.LoadBalancerArn, Protocol: 'HTTP', Port: 80, DefaultActions: forward }),
    )
  ).Listeners![0]!;
  const rule = (
    await elb.send(
      new CreateRuleCommand({
        ListenerArn: listener.ListenerArn,
        Priority: 100,
        Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/*'] } }],
        Actions: forward,
      }),
    )
  ).Rules![0]!;
  ids = {
    listenerRuleArn: rule.RuleArn!,
    loadBalancerArnSuffix: loadBalancerArnSuffix(balancer.LoadBalancerArn!),
    targetGroups: {
      lambda: { arn: lambda, arnSuffix: targetGroupArnSuffix(lambda) },
      fargate: { arn: fargate, arnSuffix: targetGroupArnSuffix(fargate) },
    },
  };
}, 90_000);

afterAll(async () => {
  elb?.destroy();
  cloudwatch?.destroy();
  if (!moto || moto.process.exitCode !== null) return;
  const exited = new Promise((resolve) => moto.process.once('exit', resolve));
  moto.process.kill('SIGTERM');
  await exited;
});

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'switchyard-flip-judgement-'));
  await setRuleLambdaWeight(elb, ids, 100);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** One minute of what the load balancer saw, per compute: requests and target 5XX. */
interface Minute {
  readonly lambda: { requests: number; errors?: number };
  readonly fargate: { requests: number; errors?: number };
  readonly elb5xx?: number;
}

async function publish(at: Date, minute: Minute): Promise<void> {
  const data: MetricDatum[] = [];
  const count = (MetricName: string, Dimensions: MetricDatum['Dimensions'], Value: number) =>
    data.push({ MetricName, Dimensions, Timestamp: at, Value, Unit: 'Count' });
  for (const compute of ['lambda', 'fargate'] as const) {
    const dims = targetGroupDimensions(ids.loadBalancerArnSuffix, ids.targetGroups[compute].arnSuffix);
    if (minute[compute].requests === 0) continue;
    count('RequestCount', dims, minute[compute].requests);
    count('HTTPCode_Target_5XX_Count', dims, minute[compute].errors ?? 0);
  }
  const lb = loadBalancerDimensions(ids.loadBalancerArnSuffix);
  const elb5xx = minute.elb5xx ?? 0;
  count('RequestCount', lb, minute.lambda.requests + minute.fargate.requests + elb5xx);
  count('HTTPCode_ELB_5XX_Count', lb, elb5xx);
  await cloudwatch.send(new PutMetricDataCommand({ Namespace: ALB_NAMESPACE, MetricData: data }));
}

/**
 * A flip on the test's clock, starting `minutesAgo` minutes back (half a minute into one), with a
 * minute of metrics for each of its bake windows as `minutes` says.
 */
async function runFlip(state: FlipState, minutesAgo: number, minutes: Minute[]) {
  let now = Math.floor(Date.now() / 60_000) * 60_000 - minutesAgo * 60_000 + 30_000;
  // Each step is confirmed half a minute after the last window closed: its window is the next minute.
  for (const [i, minute] of minutes.entries()) await publish(bakeWindow(new Date(now + 30_000 + i * 90_000), 1).start, minute);
  const applied: number[] = [];
  const lines: string[] = [];
  const outcome = await new Flip(state, {
    stateFile: join(dir, 'flip.json'),
    ids,
    net,
    elb,
    cloudwatch,
    apply: async (weight) => {
      applied.push(weight);
      await setRuleLambdaWeight(elb, ids, weight);
      now += 30_000;
      return true;
    },
    log: (line) => lines.push(line),
    now: () => new Date(now),
    sleep: async (ms) => {
      now += ms;
    },
  }).run();
  return { outcome, applied, output: lines.join('\n'), state: readFlipState(join(dir, 'flip.json')) };
}

const started = (steps: number[]) =>
  writeFlipState(join(dir, 'flip.json'), {
    stack: 'switchyard-dev',
    environment: 'dev',
    start: 100,
    steps,
    step: 0,
    phase: 'apply',
    bakeMinutes: 1,
    pauseMs: 0,
  });

const healthy = (fargateShare: number): Minute => ({
  lambda: { requests: 600 - 6 * fargateShare },
  fargate: { requests: 6 * fargateShare },
});

test('healthy numbers at every step: each is promoted, and nothing is left to resume', async () => {
  const { outcome, applied, output, state } = await runFlip(started([50, 0]), 40, [healthy(50), healthy(100)]);
  expect({ outcome, applied }).toEqual({ outcome: FLIP_EXIT.done, applied: [50, 0] });
  expect(output.match(/verdict: PASS/g)).toHaveLength(2);
  expect(output).toContain('the listener rule holds 50% Lambda / 50% Fargate (DescribeRules)');
  expect(await ruleLambdaWeight(elb, ids)).toBe(0);
  expect(state).toBeUndefined();
}, 60_000);

test('a step whose tasks answer 5XX is rolled back to the split before it: the rule first, then an apply', async () => {
  const bad: Minute = { lambda: { requests: 0 }, fargate: { requests: 300, errors: 60 } };
  const { outcome, applied, output, state } = await runFlip(started([50, 0]), 30, [healthy(50), bad]);
  expect({ outcome, applied }).toEqual({ outcome: FLIP_EXIT.rolledBack, applied: [50, 0, 50] });
  expect(output).toMatch(/verdict: FAIL\n {2}FAIL fargate error rate\s+20\.00% \(60 of 300\)\s+\(at most 5\.00%\)/);
  expect(output).toMatch(/!! rolled back: the listener rule holds 50% Lambda \/ 50% Fargate again/);
  expect(await ruleLambdaWeight(elb, ids)).toBe(50);
  expect(state).toBeUndefined();
}, 60_000);

test("the load balancer's own 504s fail the step: a target that hangs is not a target that answers 5XX", async () => {
  const hung: Minute = { lambda: { requests: 270 }, fargate: { requests: 0 }, elb5xx: 30 };
  const { outcome, output } = await runFlip(started([90]), 20, [hung]);
  expect(outcome).toBe(FLIP_EXIT.rolledBack);
  expect(output).toMatch(/FAIL load balancer's own 5XX\s+10\.00% \(30 of 300\)/);
  expect(await ruleLambdaWeight(elb, ids)).toBe(100);
}, 60_000);

test('too few requests hold the step where it is; --resume judges it again and goes on, --abort goes back to the start', async () => {
  const quiet: Minute = { lambda: { requests: 10 }, fargate: { requests: 2 } };
  const held = await runFlip(started([90, 0]), 50, [quiet]);
  expect({ outcome: held.outcome, applied: held.applied, phase: held.state?.phase }).toEqual({
    outcome: FLIP_EXIT.held,
    applied: [90],
    phase: 'held',
  });
  expect(held.output).toMatch(/verdict: INCONCLUSIVE\n {2}LOW {2}fargate requests\s+2 {2}\(at least 50\)/);
  expect(held.output).toContain('pnpm flip dev --resume');
  expect(await ruleLambdaWeight(elb, ids)).toBe(90);

  // Resumed, with traffic this time: judged again, promoted, and the flip goes on.
  const resumed = await runFlip(held.state!, 45, [healthy(10), healthy(100)]);
  expect({ outcome: resumed.outcome, applied: resumed.applied }).toEqual({ outcome: FLIP_EXIT.done, applied: [0] });

  // Held again, then aborted: back where the flip began.
  await setRuleLambdaWeight(elb, ids, 100);
  const again = await runFlip(started([90, 0]), 35, [quiet]);
  const { version: _v, updatedAt: _u, ...was } = again.state!;
  const aborted = await runFlip(writeFlipState(join(dir, 'flip.json'), { ...was, phase: 'rollback', rollbackTo: was.start }), 32, []);
  expect({ outcome: aborted.outcome, applied: aborted.applied }).toEqual({ outcome: FLIP_EXIT.rolledBack, applied: [100] });
  expect(await ruleLambdaWeight(elb, ids)).toBe(100);
}, 60_000);
