/*
 * The ALB's CloudWatch metrics the safety net reads, as AWS publishes them: one namespace, one-minute
 * periods, and a target group's metrics under both its own and its load balancer's ARN suffix. The
 * stack's alarms and dashboard, `pnpm flip`'s judgement and the sandbox's load balancer (which
 * publishes them as an ALB would) all take them from here.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html
 */

export const ALB_NAMESPACE = 'AWS/ApplicationELB';

/** The ALB reports its metrics each minute; alarms, the dashboard and the flip's windows use whole periods of it. */
export const METRIC_PERIOD_SECONDS = 60;

/** Per target group (dimensions LoadBalancer and TargetGroup). */
export const TARGET_GROUP_METRICS = {
  requests: 'RequestCount',
  /** 5XX answered by the targets themselves. */
  target5xx: 'HTTPCode_Target_5XX_Count',
  /** Seconds from the request leaving the load balancer to the target's answer; percentiles apply. */
  responseTime: 'TargetResponseTime',
  /** Lambda target groups: the function failed (its code) or Lambda did (the service). */
  lambdaUserError: 'LambdaUserError',
  lambdaInternalError: 'LambdaInternalError',
  /** IP target groups: connections to a target that could not be made. */
  connectionErrors: 'TargetConnectionErrorCount',
  healthyHosts: 'HealthyHostCount',
  unhealthyHosts: 'UnHealthyHostCount',
} as const;

/** Per load balancer only (dimension LoadBalancer): CloudWatch cannot tell which target group they came from. */
export const LOAD_BALANCER_METRICS = {
  requests: 'RequestCount',
  /** 5XX the load balancer made itself: 502 for a target's bad answer, 503 for no target, 504 for one that timed out. */
  elb5xx: 'HTTPCode_ELB_5XX_Count',
  /** The same, by status: what the load balancer could not get from a target. */
  elb502: 'HTTPCode_ELB_502_Count',
  elb503: 'HTTPCode_ELB_503_Count',
  elb504: 'HTTPCode_ELB_504_Count',
} as const;

export interface Dimension {
  readonly Name: string;
  readonly Value: string;
}

/** A load balancer's ARN suffix ("app/<name>/<id>"), from its ARN. */
export function loadBalancerArnSuffix(arn: string): string {
  const suffix = /:loadbalancer\/(app\/[^/]+\/[^/]+)$/.exec(arn)?.[1];
  if (!suffix) throw new Error(`not an application load balancer ARN: ${arn}`);
  return suffix;
}

/** A target group's ARN suffix ("targetgroup/<name>/<id>"), from its ARN. */
export function targetGroupArnSuffix(arn: string): string {
  const suffix = /:(targetgroup\/[^/]+\/[^/]+)$/.exec(arn)?.[1];
  if (!suffix) throw new Error(`not a target group ARN: ${arn}`);
  return suffix;
}

export function loadBalancerDimensions(loadBalancer: string): Dimension[] {
  return [{ Name: 'LoadBalancer', Value: loadBalancer }];
}

export function targetGroupDimensions(loadBalancer: string, targetGroup: string): Dimension[] {
  return [
    { Name: 'LoadBalancer', Value: loadBalancer },
    { Name: 'TargetGroup', Value: targetGroup },
  ];
}
