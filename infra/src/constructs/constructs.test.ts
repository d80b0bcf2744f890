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
  test('scans on push, keeps tags immutable, encrypts, and expires old images', () => {
    const json = synth((s) => new ContainerRegistry(s, 'registry', { name: 'repo', keepImages: 7 }));
    expect(json).toHaveResourceWithProperties(EcrRepository, {
      name: 'repo',
      image_tag_mutability: 'IMMUTABLE',
      image_scanning_configuration: { scan_on_push: true },
      encryption_configuration: [{ encryption_type: 'AES256' }],
    });
    const policy = JSON.parse(Object.values(parse(json).resource.aws_ecr_lifecycle_policy!)[0]!.policy as string);
    expect(policy.rules[0].selection).toEqual({ tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 7 });
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

  test('without a certificate, HTTP forwards by weight', () => {
    const json = synth((s) => {
      const lb = alb(s, false);
      new TrafficListeners(s, 'listeners', {
        loadBalancerArn: lb.arn,
        lambdaTargetGroupArn: 'tg-lambda',
        fargateTargetGroupArn: 'tg-fargate',
        lambdaWeight: 30,
        fargateWeight: 70,
      });
    });
    expect(count(json, 'aws_lb_listener')).toBe(1);
    expect(find(json, 'aws_lb_listener', 'port', 80)).toMatchObject({
      default_action: [
        {
          type: 'forward',
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
        lambdaWeight: 100,
        fargateWeight: 0,
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
      desiredCount: 2,
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
      stopTimeout: 30,
      mountPoints: [{ containerPath: '/tmp' }],
      logConfiguration: { logDriver: 'awslogs' },
      healthCheck: { command: expect.arrayContaining(['CMD']) },
    });
  });

  test('deploys safely: circuit breaker with rollback, full capacity kept, no public IP', () => {
    expect(find(json, 'aws_ecs_service', 'name', 'x')).toMatchObject({
      desired_count: 2,
      deployment_circuit_breaker: { enable: true, rollback: true },
      deployment_minimum_healthy_percent: 100,
      network_configuration: { assign_public_ip: false, subnets: ['s1', 's2'] },
    });
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
  });
});
