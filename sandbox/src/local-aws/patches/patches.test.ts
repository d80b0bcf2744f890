import {
  ApplicationAutoScalingClient,
  ListTagsForResourceCommand,
  RegisterScalableTargetCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-application-auto-scaling';
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeSecurityGroupRulesCommand,
  EC2Client,
  ModifySecurityGroupRulesCommand,
  type IpPermission,
} from '@aws-sdk/client-ec2';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  CreateTaskSetCommand,
  DeleteTaskSetCommand,
  DescribeServicesCommand,
  DescribeTaskSetsCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
  type CreateServiceCommandInput,
} from '@aws-sdk/client-ecs';
import {
  CloudWatchClient,
  GetMetricDataCommand,
  PutMetricDataCommand,
  type MetricDataQuery,
  type MetricDatum,
} from '@aws-sdk/client-cloudwatch';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import {
  CreateFunctionCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  LambdaClient,
  UpdateFunctionConfigurationCommand,
  type LoggingConfig,
} from '@aws-sdk/client-lambda';
import { freePort } from '@switchyard/api/local-table';
import { startLocalAws, type FidelityPatch, type LocalAws } from '../fidelity-layer';
import { findMoto, MOTO_INSTALL_HINT, startMoto, type MotoServer } from '../moto-server';
import { SANDBOX_CREDENTIALS } from '../../sandbox-state';
import { autoscalingTags } from './autoscaling-tags';
import { cloudWatchPercentiles, cloudWatchStartTime, percentile, roundedStartTime } from './cloudwatch-metric-data';
import { requestCompression } from './request-compression';
import { ec2RuleDescriptions } from './ec2-rule-descriptions';
import { ecsServiceNetwork } from './ecs-service-network';
import { ecsServiceSettings } from './ecs-service-settings';
import { ecsTaskSets, type TaskSetRunner } from './ecs-task-sets';
import { lambdaLoggingConfig } from './lambda-logging-config';

/*
 * Each patch is proved with the real SDK clients against a real moto: through the layer, with that
 * patch alone, the documented AWS behaviour holds; against moto alone, it does not. When a
 * "moto 5.2.1 alone" test starts failing, moto has closed the gap and the patch can go.
 */

let moto: MotoServer;
beforeAll(async () => {
  const command = findMoto();
  if (!command) throw new Error(MOTO_INSTALL_HINT);
  moto = await startMoto(command, await freePort());
}, 90_000);
afterAll(async () => {
  if (!moto || moto.process.exitCode !== null) return;
  const exited = new Promise((resolve) => moto.process.once('exit', resolve));
  moto.process.kill('SIGTERM');
  await exited;
});

// One attempt: the SDK retries a 500, and moto keeps what a failed call half made.
const clientConfig = (endpoint: string) => ({
  endpoint,
  region: 'us-east-1',
  credentials: SANDBOX_CREDENTIALS,
  maxAttempts: 1,
});

/** The layer with only `patch` in front of this file's moto, for one describe block; the endpoint once it listens. */
function layerWith(patch: FidelityPatch): () => string {
  let layer: LocalAws | undefined;
  beforeAll(async () => {
    layer = await startLocalAws({ motoUrl: moto.url, patches: [patch] });
  });
  afterAll(() => layer?.close());
  return () => layer!.endpoint;
}

// Every test shares one moto, so each makes its own resources.
let made = 0;
const unique = (prefix: string) => `${prefix}-${(made += 1)}`;

/** A cluster holding one service, `api`, under the EXTERNAL deployment controller, as the stacks make it. */
async function externalService(ecs: ECSClient, settings: Partial<CreateServiceCommandInput> = {}) {
  const cluster = unique('cluster');
  await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
  const { service } = await ecs.send(
    new CreateServiceCommand({ cluster, serviceName: 'api', deploymentController: { type: 'EXTERNAL' }, desiredCount: 2, ...settings }),
  );
  return { cluster, created: service! };
}

const describeService = async (ecs: ECSClient, cluster: string) =>
  (await ecs.send(new DescribeServicesCommand({ cluster, services: ['api'] }))).services![0]!;

/** A Fargate task definition sized per task only: no container sets its own memory, as Fargate allows. */
async function perTaskDefinition(ecs: ECSClient) {
  const { taskDefinition } = await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: unique('api'),
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: '256',
      memory: '512',
      containerDefinitions: [{ name: 'api', image: 'switchyard-api:local' }],
    }),
  );
  return taskDefinition!.taskDefinitionArn!;
}

const awsvpc = { awsvpcConfiguration: { subnets: ['subnet-1'] } };

describe('ecs-service-network', () => {
  const endpoint = layerWith(ecsServiceNetwork);

  test('a service created without networkConfiguration is created and described without one', async () => {
    const ecs = new ECSClient(clientConfig(endpoint()));
    const { cluster, created } = await externalService(ecs);
    expect(created).not.toHaveProperty('networkConfiguration');
    expect(await describeService(ecs, cluster)).not.toHaveProperty('networkConfiguration');
  });

  test('a service created with a networkConfiguration keeps it', async () => {
    const ecs = new ECSClient(clientConfig(endpoint()));
    // moto's CreateService needs the service's subnets to exist, and its security groups to be given.
    const ec2 = new EC2Client(clientConfig(moto.url));
    const { Vpc } = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
    const { Subnet } = await ec2.send(new CreateSubnetCommand({ VpcId: Vpc!.VpcId, CidrBlock: '10.0.1.0/24' }));
    const { GroupId } = await ec2.send(
      new CreateSecurityGroupCommand({ GroupName: unique('tasks'), Description: 'tasks', VpcId: Vpc!.VpcId }),
    );
    const networkConfiguration = { awsvpcConfiguration: { subnets: [Subnet!.SubnetId!], securityGroups: [GroupId!] } };
    const { cluster } = await externalService(ecs, {
      deploymentController: { type: 'ECS' },
      taskDefinition: await perTaskDefinition(ecs),
      launchType: 'FARGATE',
      desiredCount: 0,
      networkConfiguration,
    });
    expect((await describeService(ecs, cluster)).networkConfiguration).toMatchObject(networkConfiguration);
  });

  test('moto 5.2.1 alone: a service created without networkConfiguration is described with an empty one', async () => {
    const ecs = new ECSClient(clientConfig(moto.url));
    const { cluster } = await externalService(ecs);
    expect((await describeService(ecs, cluster)).networkConfiguration).toEqual({});
  });
});

describe('ecs-service-settings', () => {
  const endpoint = layerWith(ecsServiceSettings());

  test.each<[string, Partial<CreateServiceCommandInput>, Record<string, unknown>]>([
    [
      'a grace period is kept, and rebalancing left out is ENABLED',
      { healthCheckGracePeriodSeconds: 30 },
      { healthCheckGracePeriodSeconds: 30, availabilityZoneRebalancing: 'ENABLED' },
    ],
    ['rebalancing sent DISABLED stays DISABLED', { availabilityZoneRebalancing: 'DISABLED' }, { availabilityZoneRebalancing: 'DISABLED' }],
  ])('CreateService: %s', async (_, sent, described) => {
    const ecs = new ECSClient(clientConfig(endpoint()));
    const { cluster, created } = await externalService(ecs, sent);
    expect(created).toMatchObject(described);
    expect(await describeService(ecs, cluster)).toMatchObject(described);
  });

  test('UpdateService changes the grace period and rebalancing, and leaves what it does not send', async () => {
    const ecs = new ECSClient(clientConfig(endpoint()));
    const { cluster } = await externalService(ecs, { healthCheckGracePeriodSeconds: 30 });
    await ecs.send(
      new UpdateServiceCommand({ cluster, service: 'api', healthCheckGracePeriodSeconds: 90, availabilityZoneRebalancing: 'DISABLED' }),
    );
    expect(await describeService(ecs, cluster)).toMatchObject({
      healthCheckGracePeriodSeconds: 90,
      availabilityZoneRebalancing: 'DISABLED',
    });
    await ecs.send(new UpdateServiceCommand({ cluster, service: 'api', healthCheckGracePeriodSeconds: 120 }));
    expect(await describeService(ecs, cluster)).toMatchObject({
      healthCheckGracePeriodSeconds: 120,
      availabilityZoneRebalancing: 'DISABLED',
    });
  });

  test('moto 5.2.1 alone: CreateService forgets the grace period and sets no rebalancing', async () => {
    const ecs = new ECSClient(clientConfig(moto.url));
    const { cluster } = await externalService(ecs, { healthCheckGracePeriodSeconds: 30 });
    const described = await describeService(ecs, cluster);
    expect(described.healthCheckGracePeriodSeconds).toBeUndefined();
    expect(described.availabilityZoneRebalancing).toBeUndefined();
  });
});

describe('autoscaling-tags', () => {
  const endpoint = layerWith(autoscalingTags());

  /** A new ECS service's desired count as a scalable target, as the stacks register it; `cluster` registers that one again. */
  const register = async (autoscaling: ApplicationAutoScalingClient, Tags?: Record<string, string>, cluster?: string) =>
    autoscaling.send(
      new RegisterScalableTargetCommand({
        ServiceNamespace: 'ecs',
        // moto's RegisterScalableTarget checks that the service exists.
        ResourceId: `service/${cluster ?? (await externalService(new ECSClient(clientConfig(moto.url)))).cluster}/api`,
        ScalableDimension: 'ecs:service:DesiredCount',
        MinCapacity: 1,
        MaxCapacity: 4,
        Tags,
      }),
    );
  const tagsOf = async (autoscaling: ApplicationAutoScalingClient, ResourceARN: string) =>
    (await autoscaling.send(new ListTagsForResourceCommand({ ResourceARN }))).Tags;

  test('RegisterScalableTarget tags the target, and ListTagsForResource reads the tags by its ARN', async () => {
    const autoscaling = new ApplicationAutoScalingClient(clientConfig(endpoint()));
    const { ScalableTargetARN } = await register(autoscaling, { project: 'switchyard', stage: 'sandbox' });
    expect(await tagsOf(autoscaling, ScalableTargetARN!)).toEqual({ project: 'switchyard', stage: 'sandbox' });
  });

  test('TagResource adds and overwrites tags, and UntagResource removes them', async () => {
    const autoscaling = new ApplicationAutoScalingClient(clientConfig(endpoint()));
    const { ScalableTargetARN } = await register(autoscaling, { project: 'switchyard', stage: 'sandbox' });
    await autoscaling.send(new TagResourceCommand({ ResourceARN: ScalableTargetARN, Tags: { stage: 'flip', owner: 'platform' } }));
    expect(await tagsOf(autoscaling, ScalableTargetARN!)).toEqual({ project: 'switchyard', stage: 'flip', owner: 'platform' });
    await autoscaling.send(new UntagResourceCommand({ ResourceARN: ScalableTargetARN, TagKeys: ['project', 'owner'] }));
    expect(await tagsOf(autoscaling, ScalableTargetARN!)).toEqual({ stage: 'flip' });
  });

  test('registering the target again leaves its tags as they were: Tags apply when it is created', async () => {
    const autoscaling = new ApplicationAutoScalingClient(clientConfig(endpoint()));
    const { cluster } = await externalService(new ECSClient(clientConfig(moto.url)));
    const { ScalableTargetARN } = await register(autoscaling, { stage: 'sandbox' }, cluster);
    expect((await register(autoscaling, { stage: 'other' }, cluster)).ScalableTargetARN).toBe(ScalableTargetARN);
    expect(await tagsOf(autoscaling, ScalableTargetARN!)).toEqual({ stage: 'sandbox' });
  });

  test('moto 5.2.1 alone: ListTagsForResource and TagResource fail on a scalable target', async () => {
    const autoscaling = new ApplicationAutoScalingClient(clientConfig(moto.url));
    const { ScalableTargetARN } = await register(autoscaling, { stage: 'sandbox' });
    await expect(tagsOf(autoscaling, ScalableTargetARN!)).rejects.toMatchObject({ $metadata: { httpStatusCode: 500 } });
    await expect(
      autoscaling.send(new TagResourceCommand({ ResourceARN: ScalableTargetARN, Tags: { stage: 'flip' } })),
    ).rejects.toMatchObject({ $metadata: { httpStatusCode: 500 } });
  });
});

describe('ecs-task-sets', () => {
  // Stands in for the ECS agent: records what it is told, and reports what a test sets (all pending until then).
  const created: Parameters<TaskSetRunner['created']>[0][] = [];
  const deleted: string[] = [];
  const statuses = new Map<string, ReturnType<TaskSetRunner['status']>>();
  const runner: TaskSetRunner = {
    created: (set) => created.push(set),
    status: (arn) =>
      statuses.get(arn) ?? {
        computedDesiredCount: created.find((set) => set.taskSetArn === arn)?.desiredCount ?? 0,
        runningCount: 0,
        pendingCount: created.find((set) => set.taskSetArn === arn)?.desiredCount ?? 0,
        stabilityStatus: 'STABILIZING',
      },
    deleted: (arn) => deleted.push(arn),
  };
  const endpoint = layerWith(ecsTaskSets(runner));

  /** An EXTERNAL service of `desiredCount` tasks and a task set at `percent` of it, from a definition sized per task. */
  async function taskSet(ecs: ECSClient, desiredCount: number, percent?: number) {
    const taskDefinition = await perTaskDefinition(ecs);
    const { cluster } = await externalService(ecs, { desiredCount });
    const { taskSet } = await ecs.send(
      new CreateTaskSetCommand({
        cluster,
        service: 'api',
        taskDefinition,
        launchType: 'FARGATE',
        networkConfiguration: awsvpc,
        ...(percent === undefined ? {} : { scale: { unit: 'PERCENT', value: percent } }),
      }),
    );
    return { cluster, taskDefinition, made: taskSet! };
  }
  const describeTaskSet = async (ecs: ECSClient, cluster: string, arn: string) =>
    (await ecs.send(new DescribeTaskSetsCommand({ cluster, service: 'api', taskSets: [arn] }))).taskSets![0]!;

  // ECS rounds a task set's share of its service up (computedDesiredCount); moto would round down.
  test.each([
    [2, 50, 1],
    [3, 50, 2],
    [4, 100, 4],
  ])(
    'CreateTaskSet on a service of %i tasks at %i%% runs %i tasks of its Fargate definition sized per task',
    async (desired, percent, tasks) => {
      const ecs = new ECSClient(clientConfig(endpoint()));
      const { taskDefinition, made } = await taskSet(ecs, desired, percent);
      expect(made).toMatchObject({ computedDesiredCount: tasks, scale: { unit: 'PERCENT', value: percent } });
      expect(created.at(-1)).toEqual({
        taskSetArn: made.taskSetArn,
        desiredCount: tasks,
        taskDefinition: expect.objectContaining({ taskDefinitionArn: taskDefinition, cpu: '256', memory: '512' }),
      });
    },
  );

  test("DescribeTaskSets and DescribeServices report the runner's stability and counts, and the requested scale", async () => {
    const ecs = new ECSClient(clientConfig(endpoint()));
    const { cluster, made } = await taskSet(ecs, 2, 50);
    const arn = made.taskSetArn!;
    const reported = async () => [await describeTaskSet(ecs, cluster, arn), (await describeService(ecs, cluster)).taskSets![0]];

    expect(await reported()).toEqual([
      expect.objectContaining({
        stabilityStatus: 'STABILIZING',
        computedDesiredCount: 1,
        runningCount: 0,
        pendingCount: 1,
        scale: { unit: 'PERCENT', value: 50 },
      }),
      expect.objectContaining({
        stabilityStatus: 'STABILIZING',
        computedDesiredCount: 1,
        runningCount: 0,
        pendingCount: 1,
        scale: { unit: 'PERCENT', value: 50 },
      }),
    ]);
    statuses.set(arn, { computedDesiredCount: 1, runningCount: 1, pendingCount: 0, stabilityStatus: 'STEADY_STATE' });
    expect(await reported()).toEqual([
      expect.objectContaining({ stabilityStatus: 'STEADY_STATE', runningCount: 1, pendingCount: 0, scale: { unit: 'PERCENT', value: 50 } }),
      expect.objectContaining({ stabilityStatus: 'STEADY_STATE', runningCount: 1, pendingCount: 0, scale: { unit: 'PERCENT', value: 50 } }),
    ]);
  });

  test("DeleteTaskSet tells the runner, which stops the set's tasks", async () => {
    const ecs = new ECSClient(clientConfig(endpoint()));
    const { cluster, made } = await taskSet(ecs, 2, 50);
    await ecs.send(new DeleteTaskSetCommand({ cluster, service: 'api', taskSet: made.taskSetArn }));
    expect(deleted).toEqual([made.taskSetArn]);
  });

  test('moto 5.2.1 alone: CreateTaskSet fails on a Fargate task definition sized per task (moto adds up container memory)', async () => {
    const ecs = new ECSClient(clientConfig(moto.url));
    await expect(taskSet(ecs, 2, 50)).rejects.toMatchObject({ $metadata: { httpStatusCode: 500 } });
  });

  test('moto 5.2.1 alone: a task set is STEADY_STATE the moment it is created, with no running or pending count', async () => {
    const ecs = new ECSClient(clientConfig(moto.url));
    // Without a scale moto starts no tasks, so the create succeeds; nothing runs, yet it is steady.
    const { cluster, made } = await taskSet(ecs, 2);
    const described = await describeTaskSet(ecs, cluster, made.taskSetArn!);
    expect(described.stabilityStatus).toBe('STEADY_STATE');
    expect(described).not.toHaveProperty('runningCount');
    expect(described).not.toHaveProperty('pendingCount');
  });
});

describe('lambda-logging-config', () => {
  const endpoint = layerWith(lambdaLoggingConfig());
  let role: string;
  beforeAll(async () => {
    // moto's CreateFunction checks that the role exists.
    const iam = new IAMClient(clientConfig(moto.url));
    role = (await iam.send(new CreateRoleCommand({ RoleName: 'switchyard-function', AssumeRolePolicyDocument: '{}' }))).Role!.Arn!;
  });

  // An image function, as the stacks make one; moto creates it without pulling the image.
  const createFunction = (lambda: LambdaClient, name: string, logging?: LoggingConfig) =>
    lambda.send(
      new CreateFunctionCommand({
        FunctionName: name,
        PackageType: 'Image',
        Code: { ImageUri: '123456789012.dkr.ecr.us-east-1.amazonaws.com/switchyard-api:local' },
        Role: role,
        LoggingConfig: logging,
      }),
    );
  const described = async (lambda: LambdaClient, name: string) => [
    (await lambda.send(new GetFunctionCommand({ FunctionName: name }))).Configuration?.LoggingConfig,
    (await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }))).LoggingConfig,
  ];

  test.each<[string, LoggingConfig | undefined, (name: string) => LoggingConfig]>([
    ['as created', { LogFormat: 'Text', LogGroup: '/custom/x' }, () => ({ LogFormat: 'Text', LogGroup: '/custom/x' })],
    ['by default: Text, to /aws/lambda/<function name>', undefined, (name) => ({ LogFormat: 'Text', LogGroup: `/aws/lambda/${name}` })],
  ])('CreateFunction, GetFunction and GetFunctionConfiguration report the logging configuration %s', async (_, sent, expected) => {
    const lambda = new LambdaClient(clientConfig(endpoint()));
    const name = unique('function');
    expect((await createFunction(lambda, name, sent)).LoggingConfig).toEqual(expected(name));
    expect(await described(lambda, name)).toEqual([expected(name), expected(name)]);
  });

  test('UpdateFunctionConfiguration changes the logging configuration, by name or by ARN', async () => {
    const lambda = new LambdaClient(clientConfig(endpoint()));
    const name = unique('function');
    const { FunctionArn } = await createFunction(lambda, name, { LogFormat: 'Text', LogGroup: '/custom/x' });
    const updated = await lambda.send(
      new UpdateFunctionConfigurationCommand({ FunctionName: FunctionArn, LoggingConfig: { LogGroup: '/custom/y' } }),
    );
    expect(updated.LoggingConfig).toEqual({ LogFormat: 'Text', LogGroup: '/custom/y' });
    expect(await described(lambda, name)).toEqual([
      { LogFormat: 'Text', LogGroup: '/custom/y' },
      { LogFormat: 'Text', LogGroup: '/custom/y' },
    ]);
  });

  test('moto 5.2.1 alone: a function created with a LoggingConfig reports none', async () => {
    const lambda = new LambdaClient(clientConfig(moto.url));
    const name = unique('function');
    await createFunction(lambda, name, { LogFormat: 'Text', LogGroup: '/custom/x' });
    expect(await described(lambda, name)).toEqual([undefined, undefined]);
  });
});

describe('ec2-rule-descriptions', () => {
  const endpoint = layerWith(ec2RuleDescriptions());

  /** The tasks' group and the ALB's, in one VPC, as the stacks make them. */
  async function groups(ec2: EC2Client) {
    const { Vpc } = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
    const group = async (name: string) =>
      (await ec2.send(new CreateSecurityGroupCommand({ GroupName: unique(name), Description: name, VpcId: Vpc!.VpcId }))).GroupId!;
    return { tasks: await group('tasks'), alb: await group('alb') };
  }
  const authorize = async (ec2: EC2Client, GroupId: string, permission: IpPermission) =>
    (await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId, IpPermissions: [permission] }))).SecurityGroupRules![0]!;
  const describeRule = async (ec2: EC2Client, id: string) =>
    (await ec2.send(new DescribeSecurityGroupRulesCommand({ SecurityGroupRuleIds: [id] }))).SecurityGroupRules![0]!;
  const fromAlb = (alb: string): IpPermission => ({
    IpProtocol: 'tcp',
    FromPort: 3000,
    ToPort: 3000,
    UserIdGroupPairs: [{ GroupId: alb, Description: 'from the ALB' }],
  });

  // moto keeps a CIDR rule's description itself; the layer must leave that one as it is.
  test.each<[string, (alb: string) => IpPermission, string]>([
    ['from another group', fromAlb, 'from the ALB'],
    [
      'from a CIDR range',
      () => ({ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'HTTP from anywhere' }] }),
      'HTTP from anywhere',
    ],
  ])('a rule %s keeps its description, in the answer and in DescribeSecurityGroupRules', async (_, permission, description) => {
    const ec2 = new EC2Client(clientConfig(endpoint()));
    const { tasks, alb } = await groups(ec2);
    const rule = await authorize(ec2, tasks, permission(alb));
    expect(rule.Description).toBe(description);
    expect((await describeRule(ec2, rule.SecurityGroupRuleId!)).Description).toBe(description);
  });

  test("ModifySecurityGroupRules changes a rule's description", async () => {
    const ec2 = new EC2Client(clientConfig(endpoint()));
    const { tasks, alb } = await groups(ec2);
    const { SecurityGroupRuleId } = await authorize(ec2, tasks, fromAlb(alb));
    await ec2.send(
      new ModifySecurityGroupRulesCommand({
        GroupId: tasks,
        SecurityGroupRules: [
          {
            SecurityGroupRuleId,
            SecurityGroupRule: { IpProtocol: 'tcp', FromPort: 3000, ToPort: 3000, ReferencedGroupId: alb, Description: 'from the new ALB' },
          },
        ],
      }),
    );
    expect((await describeRule(ec2, SecurityGroupRuleId!)).Description).toBe('from the new ALB');
  });

  test('moto 5.2.1 alone: a rule from another group loses its description', async () => {
    const ec2 = new EC2Client(clientConfig(moto.url));
    const { tasks, alb } = await groups(ec2);
    const rule = await authorize(ec2, tasks, fromAlb(alb));
    expect(rule).not.toHaveProperty('Description');
    expect(await describeRule(ec2, rule.SecurityGroupRuleId!)).not.toHaveProperty('Description');
  });
});

describe('cloudwatch metric data', () => {
  const MINUTE = 60_000;
  // Whole minutes a little in the past: less than 15 days old, as a flip reads them.
  const m0 = Math.floor(Date.now() / MINUTE) * MINUTE - 20 * MINUTE;
  const at = (minutes: number, seconds = 0) => new Date(m0 + minutes * MINUTE + seconds * 1000);
  // Each test its own load balancer: moto 5.2.1 matches a metric with dimensions by name and
  // dimensions alone, whatever its balancer.
  const metric = (loadBalancer: string, MetricName = 'TargetResponseTime') => ({
    Namespace: 'AWS/ApplicationELB',
    MetricName,
    Dimensions: [
      { Name: 'LoadBalancer', Value: loadBalancer },
      { Name: 'TargetGroup', Value: 'targetgroup/switchyard-fargate/ee55ff66aa77bb88' },
    ],
  });
  const put = (endpoint: string, loadBalancer: string, data: Array<Omit<MetricDatum, 'MetricName' | 'Dimensions'>>, name?: string) => {
    const { Namespace, MetricName, Dimensions } = metric(loadBalancer, name);
    return new CloudWatchClient(clientConfig(endpoint)).send(
      new PutMetricDataCommand({ Namespace, MetricData: data.map((d) => ({ MetricName, Dimensions, ...d })) }),
    );
  };
  const query = (Id: string, loadBalancer: string, Stat: string, Period = 60, name?: string): MetricDataQuery => ({
    Id,
    MetricStat: { Metric: metric(loadBalancer, name), Period, Stat },
  });
  /** Each query's answer, oldest first, as [minutes after m0 (and seconds), value]. */
  async function read(endpoint: string, queries: MetricDataQuery[], StartTime = at(0), EndTime = at(5)) {
    const { MetricDataResults } = await new CloudWatchClient(clientConfig(endpoint)).send(
      new GetMetricDataCommand({ MetricDataQueries: queries, StartTime, EndTime, ScanBy: 'TimestampAscending' }),
    );
    return Object.fromEntries(
      MetricDataResults!.map((r) => [r.Id, r.Timestamps!.map((t, i) => [(t.getTime() - m0) / MINUTE, Number(r.Values![i]!.toFixed(6))])]),
    );
  }

  test.each([
    [50, 0.01],
    [98, 0.5],
    [99, 3],
    [100, 3],
  ])('p%d is the nearest-rank percentile of values with counts', (p, expected) => {
    expect(
      percentile(
        [
          [3, 2],
          [0.01, 97],
          [0.5, 1],
        ],
        p,
      ),
    ).toBe(expected);
  });

  test('no percentile of nothing, nor of negative values', () => {
    expect(percentile([], 50)).toBeUndefined();
    expect(percentile([[-1, 1]], 50)).toBeUndefined();
  });

  test.each([
    ['an hour ago: the minute', 3_600_000, 60_000],
    ['20 days ago: five minutes', 20 * 86_400_000, 300_000],
    ['70 days ago: the hour', 70 * 86_400_000, 3_600_000],
  ])('a StartTime %s', (_, age, unit) => {
    const now = Date.UTC(2026, 11, 2, 20, 37, 41, 500);
    const start = now - age;
    expect(roundedStartTime(start, now)).toBe(Math.floor(start / unit) * unit);
  });

  describe('cloudwatch-percentiles', () => {
    const endpoint = layerWith(cloudWatchPercentiles());
    // 97 fast requests, one at half a second and two slow ones, each minute for five minutes.
    const minutes = [0, 1, 2, 3, 4].map((m) => ({
      Timestamp: at(m),
      Values: [0.01, 0.5, 3],
      Counts: [97, 1, 2],
      Unit: 'Seconds' as const,
    }));

    test("p50 and p99 over Values and Counts, per minute and over a 300-s period; Sum, SampleCount and Average stay moto's", async () => {
      const balancer = unique('app/switchyard-percentiles');
      await put(endpoint(), balancer, minutes);
      const answers = await read(endpoint(), [
        query('p50', balancer, 'p50'),
        query('p99', balancer, 'p99'),
        query('p98five', balancer, 'p98', 300),
        query('sum', balancer, 'Sum', 300),
        query('count', balancer, 'SampleCount', 300),
        query('average', balancer, 'Average'),
      ]);
      const everyMinute = (value: number) => [0, 1, 2, 3, 4].map((m) => [m, value]);
      expect(answers).toEqual({
        p50: everyMinute(0.01),
        p99: everyMinute(3),
        p98five: [[0, 0.5]],
        sum: [[0, 37.35]],
        count: [[0, 500]],
        average: everyMinute(0.0747),
      });
    });

    test('answers in the order asked, newest first by default, and leaves out what is not to be returned', async () => {
      const balancer = unique('app/switchyard-percentiles');
      await put(endpoint(), balancer, minutes.slice(0, 2));
      const { MetricDataResults } = await new CloudWatchClient(clientConfig(endpoint())).send(
        new GetMetricDataCommand({
          MetricDataQueries: [
            query('sum', balancer, 'Sum'),
            { ...query('hidden', balancer, 'p90'), ReturnData: false },
            query('p99', balancer, 'p99'),
          ],
          StartTime: at(0),
          EndTime: at(5),
        }),
      );
      expect(MetricDataResults!.map((r) => [r.Id, r.Timestamps!.map((t) => (t.getTime() - m0) / MINUTE), r.StatusCode])).toEqual([
        ['sum', [1, 0], 'Complete'],
        ['p99', [1, 0], 'Complete'],
      ]);
    });

    test('a statistic set counts for percentiles only when it shows its values: one sample, or Minimum equal to Maximum', async () => {
      const balancer = unique('app/switchyard-percentiles');
      await put(
        endpoint(),
        balancer,
        [
          { Timestamp: at(0), StatisticValues: { SampleCount: 1, Sum: 2, Minimum: 2, Maximum: 2 } },
          { Timestamp: at(1), StatisticValues: { SampleCount: 4, Sum: 8, Minimum: 2, Maximum: 2 } },
          { Timestamp: at(2), StatisticValues: { SampleCount: 2, Sum: 3, Minimum: 1, Maximum: 2 } },
        ],
        'HealthyHostCount',
      );
      expect(await read(endpoint(), [query('p50', balancer, 'p50', 60, 'HealthyHostCount')])).toEqual({
        p50: [
          [0, 2],
          [1, 2],
        ],
      });
    });

    test('moto 5.2.1 alone: a percentile statistic fails (HTTP 500)', async () => {
      const balancer = unique('app/switchyard-percentiles');
      await put(moto.url, balancer, minutes);
      await expect(read(moto.url, [query('p99', balancer, 'p99')])).rejects.toMatchObject({ $metadata: { httpStatusCode: 500 } });
    });
  });

  describe('request-compression', () => {
    const endpoint = layerWith(requestCompression());
    // 3,000 distinct values, 150 to a datum: about 21 KB of JSON, which the SDK gzips from 10 KB on.
    const values = Array.from({ length: 3000 }, (_, i) => (i + 1) / 10_000);
    const data = Array.from({ length: values.length / 150 }, (_, i) => ({
      Timestamp: at(0),
      Values: values.slice(i * 150, (i + 1) * 150),
      Unit: 'Seconds' as const,
    }));

    test('a PutMetricData the SDK compresses is accepted, and every value counts', async () => {
      const balancer = unique('app/switchyard-compressed');
      await put(endpoint(), balancer, data);
      expect(await read(endpoint(), [query('n', balancer, 'SampleCount'), query('max', balancer, 'Maximum')])).toEqual({
        n: [[0, 3000]],
        max: [[0, 0.3]],
      });
    });

    test('moto 5.2.1 alone: a compressed PutMetricData fails (HTTP 500: its server inflates the body twice)', async () => {
      await expect(put(moto.url, unique('app/switchyard-compressed'), data)).rejects.toMatchObject({ $metadata: { httpStatusCode: 500 } });
    });
  });

  describe('cloudwatch-start-time', () => {
    const endpoint = layerWith(cloudWatchStartTime());
    const counts = [0, 1, 2, 3, 4].map((m) => ({ Timestamp: at(m), Value: 100, Unit: 'Count' as const }));

    test('a StartTime inside a minute is rounded down: a 300-s Sum over five one-minute datapoints counts all five', async () => {
      const balancer = unique('app/switchyard-start-time');
      await put(endpoint(), balancer, counts, 'RequestCount');
      expect(await read(endpoint(), [query('sum', balancer, 'Sum', 300, 'RequestCount')], at(0, 7), at(5))).toEqual({ sum: [[0, 500]] });
    });

    test('moto 5.2.1 alone: periods count from the second given, and the first minute is left out', async () => {
      const balancer = unique('app/switchyard-start-time');
      await put(moto.url, balancer, counts, 'RequestCount');
      expect(await read(moto.url, [query('sum', balancer, 'Sum', 300, 'RequestCount')], at(0, 7), at(5))).toEqual({ sum: [[7 / 60, 400]] });
    });
  });
});
