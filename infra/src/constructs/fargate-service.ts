import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { EcsService } from '@cdktf/provider-aws/lib/ecs-service';
import { EcsTaskDefinition } from '@cdktf/provider-aws/lib/ecs-task-definition';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { CpuArchitecture } from '../config/environments';
import { FARGATE_ENTRYPOINT, IMAGE_USER, serviceEnvironment } from '../image-contract';
import { TaskRoles } from './task-roles';

export interface FargateServiceProps {
  readonly namePrefix: string;
  readonly region: string;
  readonly clusterArn: string;
  readonly imageUri: string;
  readonly repositoryArn: string;
  readonly cpu: number;
  readonly memoryMiB: number;
  readonly architecture: CpuArchitecture;
  readonly containerPort: number;
  /** Tasks to run: 0 when Fargate is idle. */
  readonly desiredCount: number;
  readonly vpcId: string;
  readonly subnetIds: string[];
  readonly assignPublicIp: boolean;
  readonly loadBalancerSecurityGroupId: string;
  readonly targetGroupArn: string;
  readonly logRetentionDays: number;
  /** ECS rejects a service whose target group is not yet on a listener; pass the listeners. */
  readonly dependsOn: ITerraformDependable[];
}

/** ECS sends SIGKILL this long after SIGTERM; the server drains within 25 s (SHUTDOWN_TIMEOUT_MS). */
export const STOP_TIMEOUT_SECONDS = 30;

/** The Fargate side: task definition, service, its security group and its logs. */
export class FargateService extends Construct {
  readonly serviceName: string;
  readonly securityGroupId: string;

  constructor(scope: Construct, id: string, props: FargateServiceProps) {
    super(scope, id);

    const logGroup = new CloudwatchLogGroup(this, 'logs', { name: `/ecs/${props.namePrefix}`, retentionInDays: props.logRetentionDays });
    const roles = new TaskRoles(this, 'roles', {
      namePrefix: props.namePrefix,
      repositoryArn: props.repositoryArn,
      logGroupArn: logGroup.arn,
    });

    const securityGroup = new SecurityGroup(this, 'security-group', {
      name: `${props.namePrefix}-tasks`,
      description: 'switchyard tasks: traffic from the ALB only',
      vpcId: props.vpcId,
      tags: { Name: `${props.namePrefix}-tasks` },
    });
    new VpcSecurityGroupIngressRule(this, 'from-alb', {
      securityGroupId: securityGroup.id,
      description: 'Requests from the ALB only',
      ipProtocol: 'tcp',
      fromPort: props.containerPort,
      toPort: props.containerPort,
      referencedSecurityGroupId: props.loadBalancerSecurityGroupId,
    });
    new VpcSecurityGroupEgressRule(this, 'alb-to-tasks', {
      securityGroupId: props.loadBalancerSecurityGroupId,
      description: 'ALB to the tasks, for requests and health checks',
      ipProtocol: 'tcp',
      fromPort: props.containerPort,
      toPort: props.containerPort,
      referencedSecurityGroupId: securityGroup.id,
    });
    new VpcSecurityGroupEgressRule(this, 'tasks-to-aws', {
      securityGroupId: securityGroup.id,
      description: 'HTTPS out: ECR image pulls and CloudWatch Logs',
      ipProtocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      cidrIpv4: '0.0.0.0/0',
    });

    const container = {
      name: 'api',
      image: props.imageUri,
      essential: true,
      ...FARGATE_ENTRYPOINT,
      user: IMAGE_USER,
      readonlyRootFilesystem: true,
      privileged: false,
      // An init process reaps zombies and forwards SIGTERM to node.
      linuxParameters: { initProcessEnabled: true },
      stopTimeout: STOP_TIMEOUT_SECONDS,
      portMappings: [{ containerPort: props.containerPort, protocol: 'tcp' }],
      environment: Object.entries(serviceEnvironment({ PORT: String(props.containerPort), HOST: '0.0.0.0' })).map(([name, value]) => ({
        name,
        value,
      })),
      // The read-only root needs somewhere writable for Node's scratch files.
      mountPoints: [{ sourceVolume: 'tmp', containerPath: '/tmp', readOnly: false }],
      healthCheck: {
        command: [
          'CMD',
          'node',
          '-e',
          `fetch('http://127.0.0.1:${props.containerPort}/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))`,
        ],
        interval: 15,
        timeout: 5,
        retries: 3,
        startPeriod: 10,
      },
      logConfiguration: {
        logDriver: 'awslogs',
        options: { 'awslogs-group': logGroup.name, 'awslogs-region': props.region, 'awslogs-stream-prefix': 'api' },
      },
    };

    const taskDefinition = new EcsTaskDefinition(this, 'task', {
      family: props.namePrefix,
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: String(props.cpu),
      memory: String(props.memoryMiB),
      runtimePlatform: { operatingSystemFamily: 'LINUX', cpuArchitecture: props.architecture === 'arm64' ? 'ARM64' : 'X86_64' },
      executionRoleArn: roles.executionRoleArn,
      taskRoleArn: roles.taskRoleArn,
      volume: [{ name: 'tmp' }],
      containerDefinitions: JSON.stringify([container]),
    });

    const service = new EcsService(this, 'service', {
      name: props.namePrefix,
      cluster: props.clusterArn,
      taskDefinition: taskDefinition.arn,
      launchType: 'FARGATE',
      desiredCount: props.desiredCount,
      // Never below full capacity during a deployment; new tasks start before old ones stop.
      deploymentMinimumHealthyPercent: 100,
      deploymentMaximumPercent: 200,
      deploymentCircuitBreaker: { enable: true, rollback: true },
      healthCheckGracePeriodSeconds: 30,
      // Terraform returns only once tasks are running and healthy behind the ALB: `pnpm flip`
      // moves traffic to Fargate in the next apply, never to tasks still starting.
      waitForSteadyState: true,
      networkConfiguration: { subnets: props.subnetIds, securityGroups: [securityGroup.id], assignPublicIp: props.assignPublicIp },
      loadBalancer: [{ targetGroupArn: props.targetGroupArn, containerName: 'api', containerPort: props.containerPort }],
      propagateTags: 'SERVICE',
      dependsOn: props.dependsOn,
    });

    this.serviceName = service.name;
    this.securityGroupId = securityGroup.id;
  }
}
