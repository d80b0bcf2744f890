import { LbListener, type LbListenerDefaultAction } from '@cdktf/provider-aws/lib/lb-listener';
import { Construct } from 'constructs';

export interface TrafficListenersProps {
  readonly loadBalancerArn: string;
  readonly lambdaTargetGroupArn: string;
  readonly fargateTargetGroupArn: string;
  /** With a certificate, HTTPS serves and HTTP redirects to it. */
  readonly certificateArn?: string;
}

/** TLS 1.3 with TLS 1.2 fallback, forward secrecy only. */
export const TLS_POLICY = 'ELBSecurityPolicy-TLS13-1-2-2021-06';

/**
 * The listeners. They never change with the split: their default action names both target
 * groups (Fargate at weight 0), which attaches the Fargate target group to the load balancer, as
 * ECS requires before it registers tasks, without making the tasks depend on the routing. The
 * split itself is a WeightedRouting rule (weighted-routing.ts). The default action serves only while no rule exists:
 * during the first deploy, before the rule is created.
 */
export class TrafficListeners extends Construct {
  /** The listener that forwards traffic (HTTPS when configured). */
  readonly serving: LbListener;
  readonly all: LbListener[];

  constructor(scope: Construct, id: string, props: TrafficListenersProps) {
    super(scope, id);

    const attachBoth: LbListenerDefaultAction = {
      type: 'forward',
      forward: {
        targetGroup: [
          { arn: props.lambdaTargetGroupArn, weight: 100 },
          { arn: props.fargateTargetGroupArn, weight: 0 },
        ],
        stickiness: { enabled: false, duration: 1 },
      },
    };

    if (!props.certificateArn) {
      this.serving = new LbListener(this, 'http', {
        loadBalancerArn: props.loadBalancerArn,
        port: 80,
        protocol: 'HTTP',
        defaultAction: [attachBoth],
      });
      this.all = [this.serving];
      return;
    }

    this.serving = new LbListener(this, 'https', {
      loadBalancerArn: props.loadBalancerArn,
      port: 443,
      protocol: 'HTTPS',
      sslPolicy: TLS_POLICY,
      certificateArn: props.certificateArn,
      defaultAction: [attachBoth],
    });
    const redirect = new LbListener(this, 'http', {
      loadBalancerArn: props.loadBalancerArn,
      port: 80,
      protocol: 'HTTP',
      defaultAction: [{ type: 'redirect', redirect: { protocol: 'HTTPS', port: '443', statusCode: 'HTTP_301' } }],
    });
    this.all = [this.serving, redirect];
  }
}
