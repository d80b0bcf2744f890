import type { Compute } from '../config/environments';

/*
 * What the safety net needs to know of a deployed stack, from its outputs (stack-outputs.ts names
 * them): the listener rule it confirms and rolls back, and the dimensions its metrics carry.
 */

export interface TargetGroupIds {
  readonly arn: string;
  /** "targetgroup/<name>/<id>": the TargetGroup dimension. */
  readonly arnSuffix: string;
}

export interface StackIds {
  readonly listenerRuleArn: string;
  readonly loadBalancerArnSuffix: string;
  readonly targetGroups: Readonly<Record<Compute, TargetGroupIds>>;
  readonly dashboardName?: string;
}

type Outputs = Record<string, { value?: unknown } | undefined>;

/** The ids from `terraform output -json`; throws, naming what is missing, for a stack deployed without them. */
export function stackIds(outputJson: string): StackIds {
  const outputs = JSON.parse(outputJson) as Outputs;
  const text = (name: string) => {
    const value = outputs[name]?.value;
    return typeof value === 'string' && value ? value : undefined;
  };
  const groups = outputs.target_groups?.value as Partial<Record<Compute, { arn?: unknown; arn_suffix?: unknown }>> | undefined;
  const group = (compute: Compute): TargetGroupIds | undefined => {
    const { arn, arn_suffix: arnSuffix } = groups?.[compute] ?? {};
    return typeof arn === 'string' && typeof arnSuffix === 'string' ? { arn, arnSuffix } : undefined;
  };
  const listenerRuleArn = text('listener_rule_arn');
  const loadBalancerArnSuffix = text('load_balancer_arn_suffix');
  const lambda = group('lambda');
  const fargate = group('fargate');
  if (!listenerRuleArn || !loadBalancerArnSuffix || !lambda || !fargate)
    throw new Error(
      'the deployed stack reports no listener_rule_arn, load_balancer_arn_suffix or target_groups output: ' +
        'deploy it once with this version to add them, or flip with --analysis off',
    );
  const dashboardName = text('dashboard_name');
  return { listenerRuleArn, loadBalancerArnSuffix, targetGroups: { lambda, fargate }, ...(dashboardName ? { dashboardName } : {}) };
}
