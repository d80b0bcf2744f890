import { ApplicationAutoScalingClient, DescribeScalableTargetsCommand } from '@aws-sdk/client-application-auto-scaling';
import { CloudWatchClient, DescribeAlarmsCommand, ListDashboardsCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DescribeSecurityGroupsCommand, DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeRepositoriesCommand, ECRClient } from '@aws-sdk/client-ecr';
import {
  DescribeClustersCommand,
  DescribeServicesCommand,
  ECSClient,
  ListClustersCommand,
  ListTaskDefinitionsCommand,
} from '@aws-sdk/client-ecs';
import {
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeRulesCommand,
  DescribeTargetGroupsCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { IAMClient, ListRolesCommand } from '@aws-sdk/client-iam';
import { GetFunctionCommand, InvokeCommand, LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { toAlbEvent, type HttpRequest } from '@switchyard/lambda-local/events';
import { SANDBOX_CREDENTIALS, SANDBOX_REGION } from '../../src/sandbox-state';

/*
 * Reads the local AWS as a user would read AWS: through the SDK, by the names the stack gives its
 * resources. Nothing here looks inside moto or the fidelity layer.
 */

export function clientsFor(endpoint: string) {
  const config = { endpoint, region: SANDBOX_REGION, credentials: SANDBOX_CREDENTIALS };
  return {
    elb: new ElasticLoadBalancingV2Client(config),
    ecs: new ECSClient(config),
    lambda: new LambdaClient(config),
    ec2: new EC2Client(config),
    iam: new IAMClient(config),
    logs: new CloudWatchLogsClient(config),
    cloudwatch: new CloudWatchClient(config),
    dynamodb: new DynamoDBClient(config),
    ecr: new ECRClient(config),
    autoscaling: new ApplicationAutoScalingClient(config),
  };
}
export type Clients = ReturnType<typeof clientsFor>;

/** The split the live listener rule holds, by target group name, as the ALB would apply it. */
export async function ruleWeights(aws: Clients, prefix: string): Promise<{ lambda: number; fargate: number }> {
  const [alb] = (await aws.elb.send(new DescribeLoadBalancersCommand({ Names: [`${prefix}-alb`] }))).LoadBalancers ?? [];
  const listeners = (await aws.elb.send(new DescribeListenersCommand({ LoadBalancerArn: alb!.LoadBalancerArn }))).Listeners ?? [];
  const groups = (await aws.elb.send(new DescribeTargetGroupsCommand({ LoadBalancerArn: alb!.LoadBalancerArn }))).TargetGroups ?? [];
  const nameOf = new Map(groups.map((g) => [g.TargetGroupArn!, g.TargetGroupName!]));
  for (const listener of listeners) {
    const rules = (await aws.elb.send(new DescribeRulesCommand({ ListenerArn: listener.ListenerArn }))).Rules ?? [];
    const rule = rules.find((r) => r.Priority === '100');
    const forward = rule?.Actions?.find((a) => a.Type === 'forward')?.ForwardConfig?.TargetGroups;
    if (!forward) continue;
    const weight = (suffix: string) => forward.find((g) => nameOf.get(g.TargetGroupArn!) === `${prefix}-${suffix}`)?.Weight ?? 0;
    return { lambda: weight('lambda'), fargate: weight('fargate') };
  }
  throw new Error(`no listener of ${prefix}-alb has the weighted routing rule`);
}

/** The Fargate service's task sets, as ECS describes them. */
export async function taskSets(aws: Clients, prefix: string) {
  const { services } = await aws.ecs.send(new DescribeServicesCommand({ cluster: prefix, services: [`${prefix}-api`] }));
  return services?.[0]?.taskSets ?? [];
}

/** The stack's alarms as CloudWatch describes them, by name. */
export async function describeAlarms(aws: Clients, names: string[]) {
  return (await aws.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: names }))).MetricAlarms ?? [];
}

export async function functionState(aws: Clients, prefix: string): Promise<string | undefined> {
  return (await aws.lambda.send(new GetFunctionCommand({ FunctionName: prefix }))).Configuration?.State;
}

/** What the ALB would send the function for one request, invoked through the local AWS; the ALB result back. */
export async function invokeAsAlb(
  aws: Clients,
  functionName: string,
  request: HttpRequest,
): Promise<{ statusCode: number; body: unknown; headers: Record<string, string[]> }> {
  const answer = await aws.lambda.send(
    new InvokeCommand({ FunctionName: functionName, Payload: Buffer.from(JSON.stringify(toAlbEvent(request, true))) }),
  );
  const text = Buffer.from(answer.Payload ?? []).toString('utf8');
  if (answer.FunctionError) throw new Error(`the function failed: ${text}`);
  const result = JSON.parse(text) as { statusCode: number; body: string; multiValueHeaders?: Record<string, string[]> };
  return {
    statusCode: result.statusCode,
    body: result.body ? JSON.parse(result.body) : undefined,
    headers: result.multiValueHeaders ?? {},
  };
}

async function activeClusters(aws: Clients): Promise<string[]> {
  const arns = (await aws.ecs.send(new ListClustersCommand({}))).clusterArns ?? [];
  if (!arns.length) return [];
  const { clusters } = await aws.ecs.send(new DescribeClustersCommand({ clusters: arns }));
  return (clusters ?? []).filter((c) => c.status === 'ACTIVE').map((c) => c.clusterArn!);
}

/** Everything of one stack in the local AWS, by kind, named: empty once it is destroyed. */
export async function inventory(aws: Clients, prefix: string): Promise<string[]> {
  const named = (kind: string, names: (string | undefined)[]) =>
    names.filter((name): name is string => Boolean(name?.startsWith(prefix))).map((name) => `${kind} ${name}`);
  const byTag = (kind: string, items: { Tags?: { Key?: string; Value?: string }[]; id?: string }[]) =>
    items
      .filter((item) => item.Tags?.some((t) => t.Key === 'Environment' && `switchyard-${t.Value}` === prefix))
      .map((item) => `${kind} ${item.id}`);
  const vpcs = (await aws.ec2.send(new DescribeVpcsCommand({}))).Vpcs ?? [];
  const groups = (await aws.ec2.send(new DescribeSecurityGroupsCommand({}))).SecurityGroups ?? [];
  return [
    ...byTag(
      'vpc',
      vpcs.map((v) => ({ Tags: v.Tags, id: v.VpcId })),
    ),
    ...named(
      'security group',
      groups.map((g) => g.GroupName),
    ),
    ...named(
      'load balancer',
      ((await aws.elb.send(new DescribeLoadBalancersCommand({}))).LoadBalancers ?? []).map((l) => l.LoadBalancerName),
    ),
    ...named(
      'target group',
      ((await aws.elb.send(new DescribeTargetGroupsCommand({}))).TargetGroups ?? []).map((g) => g.TargetGroupName),
    ),
    ...named(
      'cluster',
      // A deleted cluster stays describable, INACTIVE, for a while on AWS too; only an ACTIVE one is left over.
      (await activeClusters(aws)).map((arn) => arn.split('/').pop()),
    ),
    ...named(
      'task definition',
      ((await aws.ecs.send(new ListTaskDefinitionsCommand({ status: 'ACTIVE' }))).taskDefinitionArns ?? []).map((arn) =>
        arn.split('/').pop(),
      ),
    ),
    ...named(
      'function',
      ((await aws.lambda.send(new ListFunctionsCommand({}))).Functions ?? []).map((f) => f.FunctionName),
    ),
    ...named(
      'role',
      ((await aws.iam.send(new ListRolesCommand({}))).Roles ?? []).map((r) => r.RoleName),
    ),
    ...named(
      'log group',
      ((await aws.logs.send(new DescribeLogGroupsCommand({}))).logGroups ?? []).map((g) => g.logGroupName?.split('/').pop()),
    ),
    ...named('table', (await aws.dynamodb.send(new ListTablesCommand({}))).TableNames ?? []),
    ...named(
      'repository',
      ((await aws.ecr.send(new DescribeRepositoriesCommand({}))).repositories ?? []).map((r) => r.repositoryName),
    ),
    ...named(
      'alarm',
      ((await aws.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNamePrefix: prefix }))).MetricAlarms ?? []).map((a) => a.AlarmName),
    ),
    ...named(
      'dashboard',
      ((await aws.cloudwatch.send(new ListDashboardsCommand({ DashboardNamePrefix: prefix }))).DashboardEntries ?? []).map(
        (d) => d.DashboardName,
      ),
    ),
    ...named(
      'scalable target',
      ((await aws.autoscaling.send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs' }))).ScalableTargets ?? []).map((t) =>
        t.ResourceId?.split('/').pop(),
      ),
    ),
  ];
}
