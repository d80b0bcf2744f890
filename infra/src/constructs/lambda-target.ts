import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { LbTargetGroupAttachment } from '@cdktf/provider-aws/lib/lb-target-group-attachment';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { CpuArchitecture } from '../config/environments';
import { LAMBDA_IMAGE_CONFIG, serviceEnvironment } from '../image-contract';

export interface LambdaTargetProps {
  readonly functionName: string;
  readonly imageUri: string;
  readonly architecture: CpuArchitecture;
  readonly memoryMiB: number;
  readonly timeoutSeconds: number;
  /** @default no reservation: the account's unreserved pool */
  readonly reservedConcurrency?: number;
  readonly targetGroupArn: string;
  readonly logRetentionDays: number;
  /** Resources that must exist first (the image push). */
  readonly dependsOn: ITerraformDependable[];
}

/** The Lambda side: the function from the shared image, its logs and role, registered with the ALB. */
export class LambdaTarget extends Construct {
  readonly functionName: string;
  readonly functionArn: string;

  constructor(scope: Construct, id: string, props: LambdaTargetProps) {
    super(scope, id);

    // Created here, not by Lambda on first write, so it has a retention period and is destroyed with the stack.
    const logGroup = new CloudwatchLogGroup(this, 'logs', {
      name: `/aws/lambda/${props.functionName}`,
      retentionInDays: props.logRetentionDays,
    });

    const assumedByLambda = new DataAwsIamPolicyDocument(this, 'assumed-by-lambda', {
      statement: [{ actions: ['sts:AssumeRole'], principals: [{ type: 'Service', identifiers: ['lambda.amazonaws.com'] }] }],
    });
    const role = new IamRole(this, 'role', { name: `${props.functionName}-lambda`, assumeRolePolicy: assumedByLambda.json });
    const permissions = new DataAwsIamPolicyDocument(this, 'permissions', {
      statement: [{ sid: 'WriteFunctionLogs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [`${logGroup.arn}:*`] }],
    });
    new IamRolePolicy(this, 'policy', { role: role.id, name: 'write-logs', policy: permissions.json });

    const fn = new LambdaFunction(this, 'function', {
      functionName: props.functionName,
      role: role.arn,
      packageType: 'Image',
      imageUri: props.imageUri,
      imageConfig: LAMBDA_IMAGE_CONFIG,
      architectures: [props.architecture],
      memorySize: props.memoryMiB,
      timeout: props.timeoutSeconds,
      reservedConcurrentExecutions: props.reservedConcurrency ?? -1,
      environment: { variables: serviceEnvironment() },
      loggingConfig: { logFormat: 'Text', logGroup: logGroup.name },
      dependsOn: [...props.dependsOn, logGroup],
    });

    const permission = new LambdaPermission(this, 'alb-invoke', {
      statementId: 'AllowInvokeFromTargetGroup',
      action: 'lambda:InvokeFunction',
      functionName: fn.functionName,
      principal: 'elasticloadbalancing.amazonaws.com',
      sourceArn: props.targetGroupArn,
    });
    // The ALB checks it may invoke the function when it is registered.
    new LbTargetGroupAttachment(this, 'registration', { targetGroupArn: props.targetGroupArn, targetId: fn.arn, dependsOn: [permission] });

    this.functionName = fn.functionName;
    this.functionArn = fn.arn;
  }
}
