import { DescribeTargetGroupsCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { SANDBOX_CREDENTIALS, SANDBOX_REGION } from '../sandbox-state';
import type { HealthCheck } from './ecs-agent';

/**
 * The health check of a target group, as ELBv2's DescribeTargetGroups reports it, read from the
 * local AWS's control plane. ELB's defaults fill what is not set.
 */
export async function describeHealthCheck(controlPlaneUrl: string, targetGroupArn: string): Promise<HealthCheck> {
  const elb = new ElasticLoadBalancingV2Client({ endpoint: controlPlaneUrl, region: SANDBOX_REGION, credentials: SANDBOX_CREDENTIALS });
  try {
    const group = (await elb.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [targetGroupArn] }))).TargetGroups?.[0];
    if (!group) throw new Error(`no target group ${targetGroupArn}`);
    return {
      path: group.HealthCheckPath ?? '/',
      intervalMs: (group.HealthCheckIntervalSeconds ?? 30) * 1000,
      timeoutMs: (group.HealthCheckTimeoutSeconds ?? 5) * 1000,
      healthyThreshold: group.HealthyThresholdCount ?? 5,
      unhealthyThreshold: group.UnhealthyThresholdCount ?? 2,
      matcher: group.Matcher?.HttpCode ?? '200',
    };
  } finally {
    elb.destroy();
  }
}
