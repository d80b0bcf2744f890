import { LbListener, type LbListenerDefaultAction } from '@cdktf/provider-aws/lib/lb-listener';
import { Construct } from 'constructs';

export interface TrafficListenersProps {
  readonly loadBalancerArn: string;
  readonly lambdaTargetGroupArn: string;
  readonly fargateTargetGroupArn: string;
  /** Percent of requests to each target group; they add up to 100. */
  readonly lambdaWeight: number;
  readonly fargateWeight: number;
  /** With a certificate, HTTPS serves and HTTP redirects to it. */
  readonly certificateArn?: string;
}

/** TLS 1.3 with TLS 1.2 fallback, forward secrecy only. */
export const TLS_POLICY = 'ELBSecurityPolicy-TLS13-1-2-2021-06';

/**
 * The listeners, whose default action splits traffic between the Lambda and Fargate target groups
 * by weight. A flip changes only these weights; the ALB, its DNS name and the target groups stay.
 */
export class TrafficListeners extends Construct {
  /** The listener that forwards traffic (HTTPS when configured). */
  readonly serving: LbListener;
  readonly all: LbListener[];

  constructor(scope: Construct, id: string, props: TrafficListenersProps) {
    super(scope, id);

    const forward: LbListenerDefaultAction = {
      type: 'forward',
      forward: {
        targetGroup: [
          { arn: props.lambdaTargetGroupArn, weight: props.lambdaWeight },
          { arn: props.fargateTargetGroupArn, weight: props.fargateWeight },
        ],
        stickiness: { enabled: false, duration: 1 },
      },
    };

    if (!props.certificateArn) {
      this.serving = new LbListener(this, 'http', {
        loadBalancerArn: props.loadBalancerArn,
        port: 80,
        protocol: 'HTTP',
        defaultAction: [forward],
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
      defaultAction: [forward],
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
