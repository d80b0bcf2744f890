import { TerraformOutput, type IResolvable } from 'cdktf';
import type { Construct } from 'constructs';
import type { AlarmNames } from '../constructs/safety-net';
import type { Compute } from '../config/environments';

export interface TargetGroupOutput {
  readonly arn: string;
  /** "targetgroup/<name>/<id>": its TargetGroup dimension in CloudWatch. */
  readonly arnSuffix: string;
}

/** The values a service stack reports, as the constructs expose them. */
export interface StackOutputValues {
  readonly serviceUrl: string;
  readonly ecrRepositoryUrl: string;
  readonly runningImageUri: string;
  readonly lambdaFunctionName: string;
  readonly ecsClusterName: string;
  readonly ecsServiceName: string;
  /** "app/<name>/<id>": the ALB's LoadBalancer dimension in CloudWatch. */
  readonly loadBalancerArnSuffix: string;
  readonly jobsTableName: string;
  readonly jobTaskDefinitionArn: string;
  /** "lambda", "fargate" or "split". */
  readonly activeCompute: string;
  readonly lambdaWeight: number;
  readonly fargateWeight: number;
  readonly fargateStandbyActive: IResolvable;
  /** The weighted listener rule: `pnpm flip` sets its weights directly to roll back in seconds. */
  readonly listenerRuleArn: string;
  readonly targetGroups: Readonly<Record<Compute, TargetGroupOutput>>;
  readonly alarmNames: AlarmNames;
  readonly dashboardName: string;
  /** "" when the environment names no address to notify. */
  readonly alarmTopicArn: string;
}

/**
 * Every output of a service stack, in one place. Their names are read by people and by `pnpm flip`
 * (src/flip/plan-flip.ts reads traffic_weights; the flip's judgement reads listener_rule_arn, target_groups and
 * alarm_names; pnpm cost --from-stack reads the names it queries metrics by), so renaming one is a breaking change.
 */
export function declareStackOutputs(stack: Construct, values: StackOutputValues): void {
  new TerraformOutput(stack, 'service_url', { value: values.serviceUrl, description: 'The one URL, whichever compute serves it' });
  new TerraformOutput(stack, 'ecr_repository_url', { value: values.ecrRepositoryUrl });
  new TerraformOutput(stack, 'running_image_uri', { value: values.runningImageUri, description: 'The image both computes run' });
  new TerraformOutput(stack, 'lambda_function_name', { value: values.lambdaFunctionName });
  new TerraformOutput(stack, 'ecs_cluster_name', { value: values.ecsClusterName });
  new TerraformOutput(stack, 'ecs_service_name', { value: values.ecsServiceName });
  new TerraformOutput(stack, 'load_balancer_arn_suffix', {
    value: values.loadBalancerArnSuffix,
    description: "The ALB's LoadBalancer dimension in CloudWatch, read by pnpm cost --from-stack",
  });
  new TerraformOutput(stack, 'jobs_table_name', { value: values.jobsTableName, description: 'The DynamoDB table of job records' });
  new TerraformOutput(stack, 'job_task_definition_arn', {
    value: values.jobTaskDefinitionArn,
    description: 'The task definition a long job runs as (RunTask)',
  });
  new TerraformOutput(stack, 'active_compute', { value: values.activeCompute, description: 'lambda, fargate, or split (a canary)' });
  new TerraformOutput(stack, 'traffic_weights', {
    value: { lambda: values.lambdaWeight, fargate: values.fargateWeight },
    description: 'The split the ALB applies, in percent',
  });
  new TerraformOutput(stack, 'fargate_standby_active', {
    value: values.fargateStandbyActive,
    description: 'Whether Fargate tasks run with no traffic',
  });
  new TerraformOutput(stack, 'listener_rule_arn', {
    value: values.listenerRuleArn,
    description: 'The listener rule that splits traffic by weight',
  });
  const targetGroup = (tg: TargetGroupOutput) => ({ arn: tg.arn, arn_suffix: tg.arnSuffix });
  new TerraformOutput(stack, 'target_groups', {
    value: { lambda: targetGroup(values.targetGroups.lambda), fargate: targetGroup(values.targetGroups.fargate) },
    description: "Each compute's target group: its ARN, and its ARN suffix (the TargetGroup dimension in CloudWatch)",
  });
  new TerraformOutput(stack, 'alarm_names', {
    value: { lambda: values.alarmNames.lambda, fargate: values.alarmNames.fargate, load_balancer: values.alarmNames.loadBalancer },
    description: "The safety net's alarms: each compute's, and the load balancer's own",
  });
  new TerraformOutput(stack, 'dashboard_name', { value: values.dashboardName, description: 'The CloudWatch dashboard of both computes' });
  new TerraformOutput(stack, 'alarm_topic_arn', {
    value: values.alarmTopicArn,
    description: 'The SNS topic the alarms notify; empty when the environment names no address',
  });
}
