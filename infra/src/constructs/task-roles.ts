import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { Construct } from 'constructs';

export interface TaskRolesProps {
  readonly namePrefix: string;
  readonly repositoryArn: string;
  readonly logGroupArn: string;
}

/**
 * Two roles, as ECS intends: the execution role is the agent's (pull the image, write logs); the
 * task role is the app's; it holds only what the stack attaches for what the app does (starting jobs).
 */
export class TaskRoles extends Construct {
  readonly executionRoleArn: string;
  readonly taskRoleArn: string;
  /** The app's role, for the policies of what the app does (jobs). */
  readonly taskRoleId: string;

  constructor(scope: Construct, id: string, props: TaskRolesProps) {
    super(scope, id);

    const assumedByTasks = new DataAwsIamPolicyDocument(this, 'assumed-by-ecs-tasks', {
      statement: [{ actions: ['sts:AssumeRole'], principals: [{ type: 'Service', identifiers: ['ecs-tasks.amazonaws.com'] }] }],
    });

    const execution = new IamRole(this, 'execution-role', {
      name: `${props.namePrefix}-task-execution`,
      assumeRolePolicy: assumedByTasks.json,
    });
    const executionPermissions = new DataAwsIamPolicyDocument(this, 'execution-permissions', {
      statement: [
        // GetAuthorizationToken has no resource-level permissions; AWS requires "*" here.
        // https://docs.aws.amazon.com/AmazonECR/latest/userguide/security_iam_id-based-policy-examples.html
        { sid: 'EcrLogin', actions: ['ecr:GetAuthorizationToken'], resources: ['*'] },
        {
          sid: 'PullServiceImage',
          actions: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
          resources: [props.repositoryArn],
        },
        { sid: 'WriteServiceLogs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [`${props.logGroupArn}:*`] },
      ],
    });
    new IamRolePolicy(this, 'execution-policy', { role: execution.id, name: 'pull-image-write-logs', policy: executionPermissions.json });

    const task = new IamRole(this, 'task-role', { name: `${props.namePrefix}-task`, assumeRolePolicy: assumedByTasks.json });

    this.executionRoleArn = execution.arn;
    this.taskRoleArn = task.arn;
    this.taskRoleId = task.id;
  }
}
