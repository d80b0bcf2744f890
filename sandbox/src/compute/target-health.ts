import type { HealthCheck } from './ecs-agent';

/** A value of ELBv2's query-protocol XML answer, by element name. */
function element(xml: string, name: string): string | undefined {
  return new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];
}

/**
 * The health check of a target group, as ELBv2's DescribeTargetGroups reports it, read from the
 * local AWS's control plane. ELB's defaults fill what is not set.
 */
export async function describeHealthCheck(motoUrl: string, targetGroupArn: string): Promise<HealthCheck> {
  const response = await fetch(motoUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization:
        'AWS4-HMAC-SHA256 Credential=sandbox/20260101/us-east-1/elasticloadbalancing/aws4_request, SignedHeaders=host, Signature=0',
    },
    body: new URLSearchParams({ Action: 'DescribeTargetGroups', Version: '2015-12-01', 'TargetGroupArns.member.1': targetGroupArn }),
  });
  const xml = await response.text();
  if (!response.ok) throw new Error(`DescribeTargetGroups ${targetGroupArn}: ${response.status} ${xml.slice(0, 300)}`);
  const number = (name: string, fallback: number) => Number(element(xml, name) ?? fallback);
  return {
    path: element(xml, 'HealthCheckPath') ?? '/',
    intervalMs: number('HealthCheckIntervalSeconds', 30) * 1000,
    timeoutMs: number('HealthCheckTimeoutSeconds', 5) * 1000,
    healthyThreshold: number('HealthyThresholdCount', 5),
    unhealthyThreshold: number('UnhealthyThresholdCount', 2),
    matcher: element(xml, 'HttpCode') ?? '200',
  };
}
