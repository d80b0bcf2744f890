import { DescribeRulesCommand, ModifyRuleCommand, type ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { StackIds } from './stack-ids';

/*
 * The split as the load balancer holds it: the listener rule WeightedRouting makes
 * (src/constructs/weighted-routing.ts). The flip reads it back after each apply, and sets it directly
 * to roll back in seconds, before an ordinary apply brings Terraform's state to the same split.
 */

/** The rule's Lambda weight, in percent of the two target groups' weights. */
export async function ruleLambdaWeight(elb: ElasticLoadBalancingV2Client, ids: StackIds): Promise<number> {
  const { Rules } = await elb.send(new DescribeRulesCommand({ RuleArns: [ids.listenerRuleArn] }));
  const groups = Rules?.[0]?.Actions?.find((a) => a.Type === 'forward')?.ForwardConfig?.TargetGroups ?? [];
  const weight = (arn: string) => groups.find((g) => g.TargetGroupArn === arn)?.Weight ?? 0;
  const lambda = weight(ids.targetGroups.lambda.arn);
  const total = lambda + weight(ids.targetGroups.fargate.arn);
  if (total === 0) throw new Error(`listener rule ${ids.listenerRuleArn} forwards to neither of the stack's target groups`);
  return Math.round((lambda / total) * 100);
}

/** Sets the split on the rule, as the stack writes it (so the apply after it finds nothing to change there). */
export async function setRuleLambdaWeight(elb: ElasticLoadBalancingV2Client, ids: StackIds, lambdaWeight: number): Promise<void> {
  await elb.send(
    new ModifyRuleCommand({
      RuleArn: ids.listenerRuleArn,
      Actions: [
        {
          Type: 'forward',
          ForwardConfig: {
            TargetGroups: [
              { TargetGroupArn: ids.targetGroups.lambda.arn, Weight: lambdaWeight },
              { TargetGroupArn: ids.targetGroups.fargate.arn, Weight: 100 - lambdaWeight },
            ],
            TargetGroupStickinessConfig: { Enabled: false, DurationSeconds: 1 },
          },
        },
      ],
    }),
  );
}

/** Waits until the rule holds the split; rejects with what it holds when it does not within `timeoutMs`. */
export async function confirmRule(
  elb: ElasticLoadBalancingV2Client,
  ids: StackIds,
  lambdaWeight: number,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const held = await ruleLambdaWeight(elb, ids);
    if (held === lambdaWeight) return;
    if (Date.now() > deadline)
      throw new Error(
        `the listener rule holds ${held}% to Lambda, not the ${lambdaWeight}% just applied (DescribeRules, ${ids.listenerRuleArn})`,
      );
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}
