import 'cdktf/lib/testing/adapters/jest';
import { EcrRepository } from '@cdktf/provider-aws/lib/ecr-repository';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Testing } from 'cdktf';
import type { Construct } from 'constructs';
import { ContainerRegistry } from './container-registry';
import { FargateService } from './fargate-service';
import { LambdaTarget } from './lambda-target';
import { LoadBalancer } from './load-balancer';
import { Network } from './network';
import { TLS_POLICY, TrafficListeners } from './traffic-listeners';
import { WeightedRouting } from './weighted-routing';
import { ECS_STOP_TIMEOUT_SECONDS, ROUTING_SETTLE_SECONDS } from '@switchyard/domain/timing-budget';

const synth = (build: (scope: Construct) => void) => Testing.synthScope(build);
const parse = (json: string) => JSON.parse(json) as { resource: Record<string, Record<string, Record<string, unknown>>> };
const count = (json: string, type: string) => Object.keys(parse(json).resource[type] ?? {}).length;
/** The one resource of `type` whose `key` is `value`; nested blocks are then checked partially with toMatchObject. */
const find = (json: string, type: string, key: string, value: unknown) => {
  const matches = Object.values(parse(json).resource[type] ?? {}).filter((r) => JSON.stringify(r[key]) === JSON.stringify(value));
  expect(matches).toHaveLength(1);
  return matches[0]!;
};

describe('ContainerRegistry', () => {
  const registry = (s: Construct) =>
    new ContainerRegistry(s, 'registry', {
      name: 'repo',
      keepImages: 7,
      runningTag: 'src-abc-x86_64',
      lambdaFunctionName: 'fn',
      region: 'eu-west-1',
    });

  test('scans on push, keeps tags immutable, encrypts, and expires old images but never the running one', () => {
    const json = synth(registry);
    expect(json).toHaveResourceWithProperties(EcrRepository, {
      name: 'repo',
      image_tag_mutability: 'IMMUTABLE',
      image_scanning_configuration: { scan_on_push: true },
      encryption_configuration: [{ encryption_type: 'AES256' }],
    });
    const policy = JSON.parse(Object.values(parse(json).resource.aws_ecr_lifecycle_policy!)[0]!.policy as string);
    // ECR: an image a higher-priority rule matches cannot be expired by a lower-priority one.
    expect(policy.rules[0].selection).toEqual({
      tagStatus: 'tagged',
      tagPrefixList: ['src-abc-x86_64'],
      countType: 'imageCountMoreThan',
      countNumber: 1,
    });
    expect(policy.rules[1].selection).toEqual({ tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 7 });
  });

  test("lets the Lambda service pull, for this stack's function only", () => {
    const policy = Object.values(parse(synth(registry)).resource.aws_ecr_repository_policy!)[0]!.policy as string;
    expect(policy).toContain('lambda.amazonaws.com');
    expect(policy).toContain('ecr:BatchGetImage');
    expect(policy).toMatch(/aws:sourceArn.*:lambda:eu-west-1:.*:function:fn/);
  });
});

describe('Network', () => {
  const azs = ['eu-west-1a', 'eu-west-1c'] as const;
  test('a new VPC has public and private subnets in the two named AZs, and NAT only when asked', () => {
    const withNat = synth(
      (s) =>
        new Network(s, 'net', { namePrefix: 'n', network: { kind: 'new', cidr: '10.0.0.0/16', natGateway: true }, availabilityZones: azs }),
    );
    expect(count(withNat, 'aws_subnet')).toBe(4);
    expect(withNat).toHaveResourceWithProperties(Subnet, { availability_zone: 'eu-west-1c', map_public_ip_on_launch: false });
    expect(count(withNat, 'aws_nat_gateway')).toBe(1);
    const withoutNat = synth(
      (s) =>
        new Network(s, 'net', {
          namePrefix: 'n',
          network: { kind: 'new', cidr: '10.0.0.0/16', natGateway: false },
          availabilityZones: azs,
        }),
    );
    expect(count(withoutNat, 'aws_nat_gateway')).toBe(0);
    expect(count(withoutNat, 'aws_eip')).toBe(0);
  });

  test('an existing VPC is used as is, and tasks go to its private subnets when they have egress', () => {
    let network: Network | undefined;
    const json = synth((s) => {
      network = new Network(s, 'net', {
        namePrefix: 'n',
        network: {
          kind: 'existing',
          vpcId: 'vpc-1',
          cidr: '10.1.0.0/16',
          publicSubnetIds: ['pub-a', 'pub-b'],
          privateSubnetIds: ['priv-a', 'priv-b'],
          natGateway: true,
        },
        availabilityZones: azs,
      });
    });
    expect(parse(json).resource ?? {}).toEqual({});
    expect(network).toMatchObject({ vpcId: 'vpc-1', serviceSubnetIds: ['priv-a', 'priv-b'], assignPublicIp: false });
  });
});

describe('LoadBalancer and TrafficListeners', () => {
  const alb = (scope: Construct, https: boolean) =>
    new LoadBalancer(scope, 'lb', {
      namePrefix: 'x',
      vpcId: 'vpc-1',
      publicSubnetIds: ['a', 'b'],
      containerPort: 3000,
      https,
      deletionProtection: true,
    });

  test('one target group per compute; Fargate is health-checked on /ready, Lambda gets multi-value headers', () => {
    const json = synth((s) => alb(s, false));
    expect(json).toHaveResourceWithProperties(LbTargetGroup, { target_type: 'lambda', lambda_multi_value_headers_enabled: true });
    expect(find(json, 'aws_lb_target_group', 'target_type', 'ip')).toMatchObject({
      port: 3000,
      health_check: { path: '/ready', matcher: '200' },
    });
  });

  test('without a certificate, HTTP attaches both target groups, Fargate at weight 0, whatever the split', () => {
    const json = synth((s) => {
      const lb = alb(s, false);
      new TrafficListeners(s, 'listeners', {
        loadBalancerArn: lb.arn,
        lambdaTargetGroupArn: 'tg-lambda',
        fargateTargetGroupArn: 'tg-fargate',
      });
    });
    expect(count(json, 'aws_lb_listener')).toBe(1);
    expect(find(json, 'aws_lb_listener', 'port', 80)).toMatchObject({
      default_action: [
        {
          type: 'forward',
          forward: {
            target_group: [
              { arn: 'tg-lambda', weight: 100 },
              { arn: 'tg-fargate', weight: 0 },
            ],
          },
        },
      ],
    });
  });

  test('the split is a rule that matches every request and waits for what it is given', () => {
    const json = synth((s) => {
      new WeightedRouting(s, 'routing', {
        listenerArn: 'listener',
        lambdaTargetGroupArn: 'tg-lambda',
        fargateTargetGroupArn: 'tg-fargate',
        lambdaWeight: 30,
        fargateWeight: 70,
        after: [],
      });
    });
    expect(find(json, 'aws_lb_listener_rule', 'listener_arn', 'listener')).toMatchObject({
      condition: [{ path_pattern: { values: ['/*'] } }],
      action: [
        {
          forward: {
            target_group: [
              { arn: 'tg-lambda', weight: 30 },
              { arn: 'tg-fargate', weight: 70 },
            ],
          },
        },
      ],
    });
  });

  test('with a certificate, HTTPS forwards with a TLS 1.3 policy and HTTP redirects to it', () => {
    const json = synth((s) => {
      const lb = alb(s, true);
      new TrafficListeners(s, 'listeners', {
        loadBalancerArn: lb.arn,
        lambdaTargetGroupArn: 'l',
        fargateTargetGroupArn: 'f',
        certificateArn: 'arn:aws:acm:us-east-1:1:certificate/x',
      });
    });
    expect(json).toHaveResourceWithProperties(LbListener, { port: 443, protocol: 'HTTPS', ssl_policy: TLS_POLICY });
    expect(find(json, 'aws_lb_listener', 'port', 80)).toMatchObject({
      default_action: [{ type: 'redirect', redirect: { protocol: 'HTTPS', status_code: 'HTTP_301' } }],
    });
    expect(json).toHaveResourceWithProperties(VpcSecurityGroupIngressRule, { from_port: 443, cidr_ipv4: '0.0.0.0/0' });
  });
});

describe('FargateService', () => {
  const json = synth((s) => {
    new FargateService(s, 'svc', {
      namePrefix: 'x',
      region: 'us-east-1',
      clusterArn: 'cluster',
      imageUri: 'repo:tag',
      repositoryArn: 'arn:aws:ecr:us-east-1:1:repository/x',
      cpu: 256,
      memoryMiB: 512,
      architecture: 'arm64',
      containerPort: 3000,
      initialTasks: 2,
      runningCount: 1,
      vpcId: 'vpc-1',
      subnetIds: ['s1', 's2'],
      assignPublicIp: false,
      loadBalancerSecurityGroupId: 'sg-alb',
      targetGroupArn: 'tg',
      logRetentionDays: 30,
      dependsOn: [],
    });
  });
  const container = () => JSON.parse(Object.values(parse(json).resource.aws_ecs_task_definition!)[0]!.container_definitions as string)[0];

  test('runs the server entrypoint as a non-root user on a read-only root with an init process', () => {
    expect(container()).toMatchObject({
      image: 'repo:tag',
      entryPoint: ['node'],
      command: ['dist/server.js'],
      user: '1000:1000',
      readonlyRootFilesystem: true,
      privileged: false,
      linuxParameters: { initProcessEnabled: true },
      stopTimeout: ECS_STOP_TIMEOUT_SECONDS,
      mountPoints: [{ containerPath: '/tmp' }],
      logConfiguration: { logDriver: 'awslogs' },
      healthCheck: { command: expect.arrayContaining(['CMD']) },
    });
  });

  test('the service leaves its task count to autoscaling after creating it', () => {
    expect(find(json, 'aws_ecs_service', 'name', 'x-api')).toMatchObject({
      desired_count: 2,
      deployment_controller: { type: 'EXTERNAL' },
      deployment_minimum_healthy_percent: 100,
      lifecycle: { ignore_changes: ['desired_count'] },
    });
  });

  test('capacity is a task set that waits for ALB health, with no public IP, replaced new-first', () => {
    expect(Object.values(parse(json).resource.aws_ecs_task_set!)[0]).toMatchObject({
      count: 1,
      scale: { unit: 'PERCENT', value: 100 },
      wait_until_stable: true,
      network_configuration: { assign_public_ip: false, subnets: ['s1', 's2'] },
      load_balancer: [{ target_group_arn: 'tg', container_port: 3000 }],
      lifecycle: { create_before_destroy: true },
    });
  });

  test('the drain gate pauses on the way out long enough for ALB rule changes to settle', () => {
    const gate = Object.values(parse(json).resource.terraform_data!)[0]!;
    expect(gate).toMatchObject({ count: 1, lifecycle: { create_before_destroy: true } });
    const provisioner = (gate.provisioner as Array<Record<string, { when: string; command: string }>>)[0]!['local-exec']!;
    expect(provisioner.when).toBe('destroy');
    expect(provisioner.command).toContain(String(ROUTING_SETTLE_SECONDS * 1000));
    expect(ROUTING_SETTLE_SECONDS).toBeGreaterThanOrEqual(30);
  });

  test('tasks admit traffic from the ALB security group only', () => {
    const ingress = Object.values(parse(json).resource.aws_vpc_security_group_ingress_rule!);
    expect(ingress).toEqual([expect.objectContaining({ referenced_security_group_id: 'sg-alb', from_port: 3000, to_port: 3000 })]);
  });
});

describe('LambdaTarget', () => {
  test('runs the image through the Lambda entrypoint and lets only its target group invoke it', () => {
    const json = synth((s) => {
      new LambdaTarget(s, 'fn', {
        functionName: 'x',
        imageUri: 'repo:tag',
        architecture: 'x86_64',
        memoryMiB: 512,
        timeoutSeconds: 35,
        reservedConcurrency: 5,
        targetGroupArn: 'tg-arn',
        logRetentionDays: 14,
        servingCount: 1,
        dependsOn: [],
      });
    });
    expect(find(json, 'aws_lambda_function', 'function_name', 'x')).toMatchObject({
      package_type: 'Image',
      image_uri: 'repo:tag',
      image_config: { entry_point: ['/usr/local/bin/lambda-entrypoint'], command: ['dist/lambda.handler'] },
      reserved_concurrent_executions: 5,
      timeout: 35,
    });
    expect(json).toHaveResourceWithProperties(LambdaPermission, { principal: 'elasticloadbalancing.amazonaws.com', source_arn: 'tg-arn' });
    // Invoked with GET /health before routing reaches it; a non-200 answer fails the apply.
    const warmUp = Object.values(parse(json).resource.aws_lambda_invocation!)[0]!;
    expect(JSON.parse(warmUp.input as string)).toMatchObject({ httpMethod: 'GET', path: '/health' });
    expect(warmUp).toMatchObject({ count: 1, lifecycle: { postcondition: [{ condition: expect.stringContaining('statusCode == 200') }] } });
  });
});
