import { LbListenerRule } from '@cdktf/provider-aws/lib/lb-listener-rule';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';

export interface WeightedRoutingProps {
  readonly listenerArn: string;
  readonly lambdaTargetGroupArn: string;
  readonly fargateTargetGroupArn: string;
  /** Percent of requests to each target group; they add up to 100. */
  readonly lambdaWeight: number;
  readonly fargateWeight: number;
  /**
   * What must be true before the split may change: Fargate's tasks healthy (its drain gate) and
   * Lambda answering (its warm-up). Because these are created before, and destroyed after, this
   * rule is updated, traffic reaches only capacity that is ready and leaves capacity before it goes.
   */
  readonly after: ITerraformDependable[];
}

/**
 * The split: one listener rule that matches every request and forwards by weight. A switch changes
 * only its weights; the ALB, its DNS name and the target groups stay.
 */
export class WeightedRouting extends Construct {
  /** The rule `pnpm flip` sets directly when it rolls back, before Terraform catches up. */
  readonly ruleArn: string;

  constructor(scope: Construct, id: string, props: WeightedRoutingProps) {
    super(scope, id);

    const rule = new LbListenerRule(this, 'rule', {
      listenerArn: props.listenerArn,
      priority: 100,
      condition: [{ pathPattern: { values: ['/*'] } }],
      action: [
        {
          type: 'forward',
          forward: {
            targetGroup: [
              { arn: props.lambdaTargetGroupArn, weight: props.lambdaWeight },
              { arn: props.fargateTargetGroupArn, weight: props.fargateWeight },
            ],
            stickiness: { enabled: false, duration: 1 },
          },
        },
      ],
      dependsOn: props.after,
    });
    this.ruleArn = rule.arn;
  }
}
