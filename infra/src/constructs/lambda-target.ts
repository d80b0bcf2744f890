import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaFunctionEventInvokeConfig } from '@cdktf/provider-aws/lib/lambda-function-event-invoke-config';
import { LambdaInvocation } from '@cdktf/provider-aws/lib/lambda-invocation';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { LbTargetGroupAttachment } from '@cdktf/provider-aws/lib/lb-target-group-attachment';
import { toAlbEvent } from '@switchyard/lambda-local/events';
import { Lazy, type ITerraformDependable } from 'cdktf';
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
  /**
   * Added to the function's environment (the same on both computes, image-contract.ts). Read when
   * the stack is synthesized, so it may name resources made after the function. @default none
   */
  readonly environment?: () => Record<string, string>;
  /** 1 while Lambda gets traffic, else 0: the function is invoked once whenever that turns 1. */
  readonly servingCount: number;
  /** Resources that must exist first (the image push). */
  readonly dependsOn: ITerraformDependable[];
}

/** What the ALB would send for `GET /health`: the invocation that proves the function answers. */
export const WARM_UP_EVENT = toAlbEvent(
  { method: 'GET', path: '/health', headers: { host: 'switchyard.invalid', 'user-agent': 'switchyard-deploy' } },
  true,
);

/** The Lambda side: the function from the shared image, its logs and role, registered with the ALB. */
export class LambdaTarget extends Construct {
  readonly functionName: string;
  /** The function's role, for the policies of what the app does (jobs). */
  readonly roleId: string;
  /**
   * Depend on this to act only once the function has answered a real invocation. An image
   * function left idle for weeks goes Inactive, and Lambda rejects the first invocation until it
   * is Active again; if its image is gone from ECR it is Failed
   * (https://docs.aws.amazon.com/lambda/latest/dg/invocation-images.html). Invoking it before
   * routing reaches it turns either case into a failed apply instead of failed requests.
   */
  readonly warmedUp: ITerraformDependable;

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
      environment: {
        variables: Lazy.anyValue({ produce: () => serviceEnvironment(props.environment?.()) }) as unknown as Record<string, string>,
      },
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

    const warmUp = new LambdaInvocation(this, 'warm-up', {
      functionName: fn.functionName,
      input: JSON.stringify(WARM_UP_EVENT),
      // A new image is invoked again before anything further depends on it.
      triggers: { image: props.imageUri },
      lifecycle: {
        createBeforeDestroy: true,
        postcondition: [
          {
            condition: '${jsondecode(self.result).statusCode == 200}',
            errorMessage: 'The function did not answer GET /health with 200; traffic was not moved to it.',
          },
        ],
      },
    });
    warmUp.addOverride('count', props.servingCount);

    // Jobs: the function invokes itself asynchronously to run a short job after it has answered.
    const invokeItself = new DataAwsIamPolicyDocument(this, 'invoke-itself', {
      statement: [{ sid: 'InvokeItselfForJobs', actions: ['lambda:InvokeFunction'], resources: [fn.arn] }],
    });
    new IamRolePolicy(this, 'invoke-itself-policy', { role: role.id, name: 'invoke-itself', policy: invokeItself.json });
    // A job invocation records its own failure; Lambda's retries of an asynchronous invocation
    // would only find the job already taken.
    new LambdaFunctionEventInvokeConfig(this, 'async-invocations', { functionName: fn.functionName, maximumRetryAttempts: 0 });

    this.functionName = fn.functionName;
    this.roleId = role.id;
    this.warmedUp = warmUp;
  }
}
