import {
  DeregisterTargetsCommand,
  DescribeTargetGroupAttributesCommand,
  ElasticLoadBalancingV2Client,
  RegisterTargetsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { SANDBOX_CREDENTIALS, SANDBOX_REGION } from '../sandbox-state';

/*
 * What ECS does with a service's load balancer: it registers each task in the target group once
 * the task runs, and when a task is to stop, deregisters it first and waits the target group's
 * deregistration delay, so requests in flight finish before the task gets SIGTERM.
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/load-balancer-connection-draining.html
 */

export interface TargetRegistration {
  register(targetGroupArn: string, host: string, port: number): Promise<void>;
  deregister(targetGroupArn: string, host: string, port: number): Promise<void>;
  /** The target group's deregistration_delay.timeout_seconds, in ms. */
  deregistrationDelayMs(targetGroupArn: string): Promise<number>;
  close(): void;
}

/** ELB's default, where a target group sets no deregistration delay. */
const DEFAULT_DEREGISTRATION_DELAY_SECONDS = 300;

/** A target group's deregistration_delay.timeout_seconds, as ELB describes it. */
export async function deregistrationDelaySeconds(elb: ElasticLoadBalancingV2Client, targetGroupArn: string): Promise<number> {
  const attributes = (await elb.send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: targetGroupArn }))).Attributes ?? [];
  const value = attributes.find((a) => a.Key === 'deregistration_delay.timeout_seconds')?.Value;
  return value === undefined ? DEFAULT_DEREGISTRATION_DELAY_SECONDS : Number(value);
}

/** Registration through the local AWS, as ECS calls ELB: the load balancer follows what is registered there. */
export function elbTargetRegistration(endpoint: string): TargetRegistration {
  const elb = new ElasticLoadBalancingV2Client({ endpoint, region: SANDBOX_REGION, credentials: SANDBOX_CREDENTIALS });
  return {
    async register(targetGroupArn, host, port) {
      await elb.send(new RegisterTargetsCommand({ TargetGroupArn: targetGroupArn, Targets: [{ Id: host, Port: port }] }));
    },
    async deregister(targetGroupArn, host, port) {
      await elb.send(new DeregisterTargetsCommand({ TargetGroupArn: targetGroupArn, Targets: [{ Id: host, Port: port }] }));
    },
    deregistrationDelayMs: async (targetGroupArn) => (await deregistrationDelaySeconds(elb, targetGroupArn)) * 1000,
    close: () => elb.destroy(),
  };
}
