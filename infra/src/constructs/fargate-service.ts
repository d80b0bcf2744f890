import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { EcsService } from '@cdktf/provider-aws/lib/ecs-service';
import { EcsTaskDefinition, type EcsTaskDefinitionConfig } from '@cdktf/provider-aws/lib/ecs-task-definition';
import { EcsTaskSet } from '@cdktf/provider-aws/lib/ecs-task-set';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { ECS_STOP_TIMEOUT_SECONDS, ROUTING_SETTLE_SECONDS } from '@switchyard/domain/timing-budget';
import { DataResource, Lazy, type ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { CpuArchitecture } from '../config/environments';
import { FARGATE_ENTRYPOINT, IMAGE_USER, serviceEnvironment } from '../image-contract';
import { TaskRoles } from './task-roles';

/**
 * What every task definition of the image shares, the service's and a job's: Fargate and awsvpc,
 * the size and architecture, the two roles, and the /tmp volume its read-only root writes to.
 */
export function imageTaskDefinition(props: {
  family: string;
  cpu: number;
  memoryMiB: number;
  architecture: CpuArchitecture;
  roles: TaskRoles;
}): Omit<EcsTaskDefinitionConfig, 'containerDefinitions'> {
  return {
    family: props.family,
    requiresCompatibilities: ['FARGATE'],
    networkMode: 'awsvpc',
    cpu: String(props.cpu),
    memory: String(props.memoryMiB),
    runtimePlatform: { operatingSystemFamily: 'LINUX', cpuArchitecture: props.architecture === 'arm64' ? 'ARM64' : 'X86_64' },
    executionRoleArn: props.roles.executionRoleArn,
    taskRoleArn: props.roles.taskRoleArn,
    volume: [{ name: 'tmp' }],
  };
}

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
  /** Tasks when the service is first created; afterwards autoscaling owns the count. */
  readonly initialTasks: number;
  /** 1 while Fargate runs (serves or stands by), 0 while idle: its tasks exist only then. */
  readonly runningCount: number;
  readonly vpcId: string;
  readonly subnetIds: string[];
  readonly assignPublicIp: boolean;
  readonly loadBalancerSecurityGroupId: string;
  readonly targetGroupArn: string;
  readonly logRetentionDays: number;
  /**
   * Added to the container's environment (the same on both computes, image-contract.ts). Read when
   * the stack is synthesized, so it may name resources made after the service: the job task
   * definition runs in this service's security group. @default none
   */
  readonly environment?: () => Record<string, string>;
  /**
   * ECS refuses tasks for a target group no listener uses ("does not have an associated load
   * balancer"); pass the listeners that attach it, and the image push.
   */
  readonly dependsOn: ITerraformDependable[];
}

/**
 * The Fargate side: task definition, service, its security group and its logs, and the capacity
 * as a task set that exists only while Fargate runs.
 *
 * Why a task set: with the EXTERNAL deployment controller, `aws_ecs_task_set` with
 * `wait_until_stable` returns only at STEADY_STATE, which the ECS API reference defines as "all
 * tasks are reporting a healthy status from the load balancers" (TaskSet.stabilityStatus). The
 * service's own `wait_for_steady_state` checks running == desired only: a RUNNING task may not yet
 * pass the ALB's health check, and a circuit-breaker rollback still "succeeds"
 * (hashicorp/terraform-provider-aws#19519, #20858).
 *
 * Why create_before_destroy on the task set and the drain gate: Terraform then updates whatever
 * depends on them (the weighted routing) before it destroys them, so routing leaves Fargate
 * before its capacity goes; without it, a resource that goes away is destroyed first.
 */
export class FargateService extends Construct {
  readonly serviceName: string;
  /** The tasks' security group: the ALB's requests only, HTTPS out. */
  readonly securityGroupId: string;
  /** The app's role in the tasks, for the policies of what the app does (jobs). */
  readonly taskRoleId: string;
  /**
   * The drain gate. Depend on it to act only once the tasks are healthy in the target group; its
   * destroy pauses while the ALB applies a rule change, after the routing has left and before the
   * tasks go.
   */
  readonly drainGate: ITerraformDependable;

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
      stopTimeout: ECS_STOP_TIMEOUT_SECONDS,
      portMappings: [{ containerPort: props.containerPort, protocol: 'tcp' }],
      environment: [] as { name: string; value: string }[],
      // The read-only root needs somewhere writable for Node's scratch files. The image declares
      // VOLUME /tmp, so ECS gives this volume the image's mode (1777), not root's 0755.
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
      ...imageTaskDefinition({ ...props, family: props.namePrefix, roles }),
      // Read at synth: the environment may name resources made after the service (see props.environment).
      containerDefinitions: Lazy.stringValue({
        produce: () => {
          const environment = serviceEnvironment({ ...props.environment?.(), PORT: String(props.containerPort), HOST: '0.0.0.0' });
          return JSON.stringify([{ ...container, environment: Object.entries(environment).map(([name, value]) => ({ name, value })) }]);
        },
      }),
    });

    // Application Auto Scaling owns the desired count (it scales the service; a task set at 100%
    // follows it). Terraform sets it once at creation and never again, so a deploy cannot reset a
    // scaled-out service.
    // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-external.html
    const service = new EcsService(this, 'service', {
      name: `${props.namePrefix}-api`,
      cluster: props.clusterArn,
      deploymentController: { type: 'EXTERNAL' },
      desiredCount: props.initialTasks,
      // While a new task set replaces the old one, both run: never below full capacity.
      deploymentMinimumHealthyPercent: 100,
      deploymentMaximumPercent: 200,
      healthCheckGracePeriodSeconds: 30,
      propagateTags: 'SERVICE',
      lifecycle: { ignoreChanges: ['desired_count'] },
      dependsOn: props.dependsOn,
    });

    const capacity = new EcsTaskSet(this, 'tasks', {
      cluster: props.clusterArn,
      service: service.id,
      taskDefinition: taskDefinition.arn,
      launchType: 'FARGATE',
      scale: { unit: 'PERCENT', value: 100 },
      networkConfiguration: { subnets: props.subnetIds, securityGroups: [securityGroup.id], assignPublicIp: props.assignPublicIp },
      loadBalancer: [{ targetGroupArn: props.targetGroupArn, containerName: 'api', containerPort: props.containerPort }],
      waitUntilStable: true,
      waitUntilStableTimeout: '15m',
      // Deleting a task set that still runs tasks needs force; ECS still deregisters them from the
      // target group (deregistration delay) and stops them with SIGTERM (stop timeout).
      forceDelete: true,
      lifecycle: { createBeforeDestroy: true },
      dependsOn: props.dependsOn,
    });
    capacity.addOverride('count', props.runningCount);

    // Stands between the routing and the tasks. Created after the tasks are healthy; destroyed,
    // after the routing has left Fargate, with a pause while ALB rule changes take effect, and only
    // then do the tasks go.
    const drainGate = new DataResource(this, 'drain-gate', {
      input: { settleSeconds: ROUTING_SETTLE_SECONDS },
      lifecycle: { createBeforeDestroy: true },
      dependsOn: [capacity],
    });
    drainGate.addOverride('count', props.runningCount);
    drainGate.addOverride('provisioner', [
      {
        'local-exec': {
          when: 'destroy',
          // node is already required to deploy; a shell's sleep is not on every platform.
          interpreter: ['node', '-e'],
          command: `setTimeout(() => {}, ${ROUTING_SETTLE_SECONDS * 1000})`,
        },
      },
    ]);

    this.serviceName = service.name;
    this.securityGroupId = securityGroup.id;
    this.taskRoleId = roles.taskRoleId;
    this.drainGate = drainGate;
  }
}
