import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { EcsTaskDefinition } from '@cdktf/provider-aws/lib/ecs-task-definition';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { JOB_ENV } from '@switchyard/api/job-environment';
import { JOB_TABLE } from '@switchyard/api/job-table-shape';
import { ECS_STOP_TIMEOUT_SECONDS } from '@switchyard/domain/timing-budget';
import { Fn, TerraformLocal } from 'cdktf';
import { Construct } from 'constructs';
import type { CpuArchitecture } from '../config/environments';
import { IMAGE_USER, JOB_CONTAINER_NAME, serviceEnvironment } from '../image-contract';
import { imageTaskDefinition } from './fargate-service';
import { TaskRoles } from './task-roles';

export interface JobsProps {
  readonly namePrefix: string;
  readonly region: string;
  readonly clusterArn: string;
  readonly clusterName: string;
  readonly imageUri: string;
  readonly repositoryArn: string;
  readonly cpu: number;
  readonly memoryMiB: number;
  readonly architecture: CpuArchitecture;
  /** The service's subnets and security group: a job task runs where the service's tasks run. */
  readonly subnetIds: string[];
  readonly securityGroupId: string;
  readonly assignPublicIp: boolean;
  readonly logRetentionDays: number;
  /** DynamoDB deletion protection: on in production, so a stray destroy cannot take the job records. */
  readonly deletionProtection: boolean;
}

/**
 * Background jobs: their DynamoDB table, and the task definition that runs one job as a one-off
 * Fargate task of the service's own image (`node dist/job.js <id>`), with roles of its own. The API
 * (either compute) gets the policy to start jobs (`startJobsPolicy`) and the environment that says
 * where (`apiEnvironment`).
 */
export class Jobs extends Construct {
  readonly tableName: string;
  readonly tableArn: string;
  readonly taskDefinitionArn: string;
  readonly taskDefinitionFamily: string;
  /** What the API reads to place jobs (apps/api/src/jobs/jobs-config.ts). */
  readonly apiEnvironment: Record<string, string>;
  private readonly props: JobsProps;
  private readonly roleArns: string[];

  constructor(scope: Construct, id: string, props: JobsProps) {
    super(scope, id);
    this.props = props;

    const table = new DynamodbTable(this, 'table', {
      name: `${props.namePrefix}-jobs`,
      billingMode: 'PAY_PER_REQUEST',
      hashKey: JOB_TABLE.partitionKey,
      attribute: [
        { name: JOB_TABLE.partitionKey, type: 'S' },
        { name: JOB_TABLE.statusIndex.partitionKey, type: 'S' },
        { name: JOB_TABLE.statusIndex.sortKey, type: 'S' },
      ],
      globalSecondaryIndex: [
        {
          name: JOB_TABLE.statusIndex.name,
          hashKey: JOB_TABLE.statusIndex.partitionKey,
          rangeKey: JOB_TABLE.statusIndex.sortKey,
          projectionType: 'ALL',
        },
      ],
      pointInTimeRecovery: { enabled: true },
      // Encrypted with the AWS managed key (aws/dynamodb), which CloudTrail records use of; DynamoDB
      // encrypts every table at rest, this makes the key one the account can audit.
      serverSideEncryption: { enabled: true },
      ttl: { attributeName: JOB_TABLE.ttlAttribute, enabled: true },
      deletionProtectionEnabled: props.deletionProtection,
    });

    const logGroup = new CloudwatchLogGroup(this, 'logs', {
      name: `/ecs/${props.namePrefix}-job`,
      retentionInDays: props.logRetentionDays,
    });
    // The same pair as the service's tasks: the agent's execution role (pull the image, write the
    // job's logs) and the job's own role.
    const roles = new TaskRoles(this, 'roles', {
      namePrefix: `${props.namePrefix}-job`,
      repositoryArn: props.repositoryArn,
      logGroupArn: logGroup.arn,
    });
    // The job's own role: it reads its job and writes its progress and outcome, in this table only.
    const taskPermissions = new DataAwsIamPolicyDocument(this, 'task-permissions', {
      statement: [
        {
          sid: 'RunJobsInTheJobTable',
          actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
          resources: [table.arn],
        },
      ],
    });
    new IamRolePolicy(this, 'task-policy', { role: roles.taskRoleId, name: 'job-table', policy: taskPermissions.json });

    const environment = serviceEnvironment({ [JOB_ENV.table]: table.name });
    const taskDefinition = new EcsTaskDefinition(this, 'task', {
      ...imageTaskDefinition({ ...props, family: `${props.namePrefix}-job`, roles }),
      containerDefinitions: JSON.stringify([
        {
          name: JOB_CONTAINER_NAME,
          image: props.imageUri,
          essential: true,
          // RunTask overrides the command with the job's id: `node dist/job.js <id>`.
          entryPoint: ['node'],
          command: ['dist/job.js'],
          user: IMAGE_USER,
          readonlyRootFilesystem: true,
          privileged: false,
          linuxParameters: { initProcessEnabled: true },
          // ECS sends SIGTERM, then SIGKILL after this: time for the job to record that it was interrupted.
          stopTimeout: ECS_STOP_TIMEOUT_SECONDS,
          environment: Object.entries(environment).map(([name, value]) => ({ name, value })),
          mountPoints: [{ sourceVolume: 'tmp', containerPath: '/tmp', readOnly: false }],
          logConfiguration: {
            logDriver: 'awslogs',
            options: { 'awslogs-group': logGroup.name, 'awslogs-region': props.region, 'awslogs-stream-prefix': 'job' },
          },
        },
      ]),
    });

    this.tableName = table.name;
    this.tableArn = table.arn;
    this.taskDefinitionArn = taskDefinition.arn;
    this.taskDefinitionFamily = taskDefinition.family;
    this.roleArns = [roles.executionRoleArn, roles.taskRoleArn];
    this.apiEnvironment = {
      [JOB_ENV.table]: table.name,
      [JOB_ENV.cluster]: props.clusterName,
      [JOB_ENV.taskDefinition]: taskDefinition.family,
      [JOB_ENV.containerName]: JOB_CONTAINER_NAME,
      // A local, not join() inline: the ECS container definitions are JSON, and join()'s quotes would break it.
      [JOB_ENV.subnets]: new TerraformLocal(this, 'job_subnets', Fn.join(',', props.subnetIds)).asString,
      [JOB_ENV.securityGroups]: props.securityGroupId,
      [JOB_ENV.assignPublicIp]: String(props.assignPublicIp),
    };
  }

  /**
   * What an API role needs to place jobs, and nothing more: the job table (and its status index),
   * RunTask of the job task definition in this cluster only, and PassRole of the job's two roles to
   * ECS tasks only.
   */
  startJobsPolicy(scope: Construct, id: string): DataAwsIamPolicyDocument {
    const tableArns = [this.tableArn, `${this.tableArn}/index/${JOB_TABLE.statusIndex.name}`];
    return new DataAwsIamPolicyDocument(scope, id, {
      statement: [
        {
          sid: 'JobTable',
          actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query'],
          resources: tableArns,
        },
        {
          sid: 'RunJobTasks',
          actions: ['ecs:RunTask'],
          // Any revision of the job family: RunTask by family runs the latest.
          resources: [Fn.replace(this.taskDefinitionArn, '/:[0-9]+$/', ':*')],
          condition: [{ test: 'ArnEquals', variable: 'ecs:cluster', values: [this.props.clusterArn] }],
        },
        {
          sid: 'PassJobRoles',
          actions: ['iam:PassRole'],
          resources: this.roleArns,
          condition: [{ test: 'StringEquals', variable: 'iam:PassedToService', values: ['ecs-tasks.amazonaws.com'] }],
        },
      ],
    });
  }
}
