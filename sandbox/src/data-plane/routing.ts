import {
  DescribeListenersCommand,
  DescribeRulesCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetGroupsCommand,
  type Action,
  type ElasticLoadBalancingV2Client,
  type Rule,
} from '@aws-sdk/client-elastic-load-balancing-v2';

/*
 * Where a load balancer sends a request, as its control plane holds it: the HTTP listener's
 * rules in priority order, the first that matches every path, else the listener's default
 * action; a forward action's target groups with their weights, and each group's kind.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-listeners.html#listener-rules
 */

export interface WeightedGroup {
  readonly targetGroupArn: string;
  /** A forward action's weight (0–999); a single target group weighs 1. */
  readonly weight: number;
  readonly targetType: 'lambda' | 'ip' | 'instance' | 'alb';
  /** lambda.multi_value_headers.enabled, for a Lambda target group. */
  readonly multiValueHeaders: boolean;
}

export interface Routing {
  readonly listenerArn: string;
  /** The rule that decided (its ARN), or "default". */
  readonly decidedBy: string;
  readonly groups: readonly WeightedGroup[];
}

/** A rule that matches every request: no condition, or only the path pattern "/*" (or "*"). */
function matchesEveryPath(rule: Rule): boolean {
  return (rule.Conditions ?? []).every(
    (c) => c.Field === 'path-pattern' && [...(c.PathPatternConfig?.Values ?? []), ...(c.Values ?? [])].some((v) => v === '/*' || v === '*'),
  );
}

function forwardedGroups(actions: Action[] | undefined): Array<{ arn: string; weight: number }> | undefined {
  const forward = actions?.find((a) => a.Type === 'forward');
  if (!forward) return undefined;
  const weighted = forward.ForwardConfig?.TargetGroups;
  if (weighted?.length) return weighted.map((g) => ({ arn: g.TargetGroupArn!, weight: g.Weight ?? 1 }));
  return forward.TargetGroupArn ? [{ arn: forward.TargetGroupArn, weight: 1 }] : undefined;
}

/** The load balancer's HTTP listener, the one the sandbox serves; undefined while it has none. */
export async function readRouting(elb: ElasticLoadBalancingV2Client, loadBalancerArn: string): Promise<Routing | undefined> {
  const listeners = (await elb.send(new DescribeListenersCommand({ LoadBalancerArn: loadBalancerArn }))).Listeners ?? [];
  const listener = listeners.find((l) => l.Protocol === 'HTTP' && forwardedGroups(l.DefaultActions));
  if (!listener) return undefined;
  const rules = (await elb.send(new DescribeRulesCommand({ ListenerArn: listener.ListenerArn }))).Rules ?? [];
  const deciding = rules
    .filter((r) => !r.IsDefault && matchesEveryPath(r) && forwardedGroups(r.Actions))
    .sort((a, b) => Number(a.Priority) - Number(b.Priority))[0];
  const forwarded = forwardedGroups(deciding ? deciding.Actions : listener.DefaultActions)!;
  const described = (await elb.send(new DescribeTargetGroupsCommand({ TargetGroupArns: forwarded.map((g) => g.arn) }))).TargetGroups ?? [];
  const groups: WeightedGroup[] = [];
  for (const { arn, weight } of forwarded) {
    const targetType = (described.find((d) => d.TargetGroupArn === arn)?.TargetType ?? 'ip') as WeightedGroup['targetType'];
    let multiValueHeaders = false;
    if (targetType === 'lambda') {
      const attributes = (await elb.send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: arn }))).Attributes ?? [];
      multiValueHeaders = attributes.some((a) => a.Key === 'lambda.multi_value_headers.enabled' && a.Value === 'true');
    }
    groups.push({ targetGroupArn: arn, weight, targetType, multiValueHeaders });
  }
  return { listenerArn: listener.ListenerArn!, decidedBy: deciding?.RuleArn ?? 'default', groups };
}

/** The share of requests, in percent, that each kind of target receives under a routing. */
export function shares(routing: Routing): { lambda: number; ip: number } {
  const total = routing.groups.reduce((sum, g) => sum + g.weight, 0);
  const of = (type: WeightedGroup['targetType']) =>
    total === 0 ? 0 : (100 * routing.groups.filter((g) => g.targetType === type).reduce((s, g) => s + g.weight, 0)) / total;
  return { lambda: of('lambda'), ip: of('ip') };
}
