import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { ALB_IDLE_TIMEOUT_SECONDS, DEREGISTRATION_DELAY_SECONDS } from '@switchyard/domain/timing-budget';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';

export interface LoadBalancerProps {
  readonly namePrefix: string;
  readonly vpcId: string;
  readonly publicSubnetIds: string[];
  /** Port the Fargate container listens on. */
  readonly containerPort: number;
  /** Whether port 443 is opened (a certificate is configured). */
  readonly https: boolean;
  readonly deletionProtection: boolean;
  /**
   * An internet-facing ALB needs the VPC's internet gateway to exist first ("VPC has no internet
   * gateway"); pass it when the stack creates the VPC. @default none
   */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * The stable front door: an internet-facing ALB with one target group per compute. The listeners
 * are in TrafficListeners, the split in WeightedRouting.
 */
export class LoadBalancer extends Construct {
  readonly arn: string;
  readonly arnSuffix: string;
  readonly dnsName: string;
  readonly securityGroupId: string;
  readonly lambdaTargetGroupArn: string;
  /** "targetgroup/<name>/<id>": a target group's TargetGroup dimension in CloudWatch. */
  readonly lambdaTargetGroupArnSuffix: string;
  readonly fargateTargetGroupArn: string;
  readonly fargateTargetGroupArnSuffix: string;

  constructor(scope: Construct, id: string, props: LoadBalancerProps) {
    super(scope, id);

    const securityGroup = new SecurityGroup(this, 'security-group', {
      name: `${props.namePrefix}-alb`,
      description: 'Internet to the switchyard ALB',
      vpcId: props.vpcId,
      tags: { Name: `${props.namePrefix}-alb` },
    });
    for (const port of props.https ? [80, 443] : [80]) {
      new VpcSecurityGroupIngressRule(this, `ingress-${port}`, {
        securityGroupId: securityGroup.id,
        description: `HTTP${port === 443 ? 'S' : ''} from anywhere`,
        ipProtocol: 'tcp',
        fromPort: port,
        toPort: port,
        cidrIpv4: '0.0.0.0/0',
      });
    }

    const alb = new Lb(this, 'alb', {
      name: `${props.namePrefix}-alb`,
      loadBalancerType: 'application',
      internal: false,
      securityGroups: [securityGroup.id],
      subnets: props.publicSubnetIds,
      dropInvalidHeaderFields: true,
      desyncMitigationMode: 'defensive',
      // Outlasts the longest request; the server's keep-alive outlasts this (timing-budget.ts).
      idleTimeout: ALB_IDLE_TIMEOUT_SECONDS,
      enableDeletionProtection: props.deletionProtection,
      ...(props.dependsOn ? { dependsOn: props.dependsOn } : {}),
    });

    const lambdaTargets = new LbTargetGroup(this, 'lambda-targets', {
      name: `${props.namePrefix}-lambda`,
      targetType: 'lambda',
      // The handler reads both forms; multi-value keeps repeated query keys and headers.
      lambdaMultiValueHeadersEnabled: true,
    });

    const fargateTargets = new LbTargetGroup(this, 'fargate-targets', {
      name: `${props.namePrefix}-fargate`,
      targetType: 'ip',
      protocol: 'HTTP',
      port: props.containerPort,
      vpcId: props.vpcId,
      // ECS waits this long after deregistering a task before stopping it: requests in flight
      // finish first. Longer only slows every deployment and scale-in.
      deregistrationDelay: String(DEREGISTRATION_DELAY_SECONDS),
      healthCheck: {
        path: '/ready',
        matcher: '200',
        interval: 10,
        timeout: 5,
        healthyThreshold: 2,
        unhealthyThreshold: 2,
      },
    });

    this.arn = alb.arn;
    this.arnSuffix = alb.arnSuffix;
    this.dnsName = alb.dnsName;
    this.securityGroupId = securityGroup.id;
    this.lambdaTargetGroupArn = lambdaTargets.arn;
    this.lambdaTargetGroupArnSuffix = lambdaTargets.arnSuffix;
    this.fargateTargetGroupArn = fargateTargets.arn;
    this.fargateTargetGroupArnSuffix = fargateTargets.arnSuffix;
  }
}
