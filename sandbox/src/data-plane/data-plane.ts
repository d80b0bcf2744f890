import { join } from 'node:path';
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { ALB_NAMESPACE } from '@switchyard/infra/alb-metrics';
import { describeHealthCheck } from '../compute/target-health';
import { deregistrationDelaySeconds } from '../compute/target-registration';
import type { AwsCall, AwsReply } from '../local-aws/aws-call';
import type { FidelityPatch } from '../local-aws/fidelity-layer';
import { SANDBOX_CREDENTIALS, SANDBOX_REGION } from '../sandbox-state';
import { AlbMetricsPublisher, type IpTargetHealth } from './alb-metrics-publisher';
import { startLoadBalancer, type ForwardedRequest, type LoadBalancer } from './haproxy';
import { startLambdaTarget, type LambdaTarget } from './lambda-target';
import { drawDelayMs, type RuleDelay } from './rule-delay';
import { readRouting, shares, type Routing } from './routing';

/*
 * The sandbox's load balancers: for each ALB the stack creates, a real proxy (HAProxy) on a
 * loopback port that serves what the ALB would. It follows the control plane as the ALB does:
 * the listener rule's weights, late (rule-delay.ts); the targets registered in the target groups,
 * each health-checked with its group's check and drained for its group's deregistration delay when
 * deregistered; and a Lambda target group's function, invoked with the ALB's event. From its
 * creation to its deletion, each publishes the ALB's CloudWatch metrics (alb-metrics-publisher.ts)
 * from its proxy's request log.
 */

const ROUTING_ACTIONS = new Set([
  'CreateListener',
  'ModifyListener',
  'DeleteListener',
  'CreateRule',
  'ModifyRule',
  'DeleteRule',
  'SetRulePriorities',
]);
const TARGET_ACTIONS = new Set(['RegisterTargets', 'DeregisterTargets']);
const ACTIONS = new Set([...ROUTING_ACTIONS, ...TARGET_ACTIONS, 'CreateLoadBalancer', 'DescribeLoadBalancers', 'DeleteLoadBalancer']);

export interface DataPlaneOptions {
  /** Where each proxy keeps its configuration and runtime socket. */
  readonly stateDir: string;
  /** The control plane the data plane reads (moto's server, behind no patch of this one). */
  readonly controlPlaneUrl: string;
  /**
   * The local AWS, where the Lambda target group's function is invoked and the load balancers'
   * metrics are published: through the fidelity layer, whose CloudWatch patches keep the values
   * that moto cannot compute percentiles of.
   */
  readonly endpoint: string;
  readonly freePort: () => Promise<number>;
  /** Read at each change: a running sandbox can be given another. */
  readonly ruleDelay: () => RuleDelay;
  readonly log?: (line: string) => void;
}

interface Balancer {
  readonly arn: string;
  readonly name: string;
  /** The DNS name moto gave it, and the loopback address the sandbox answers instead. */
  readonly motoDnsName: string;
  readonly port: number;
  proxy?: LoadBalancer;
  lambda?: LambdaTarget;
  readonly metrics: AlbMetricsPublisher;
  starting?: Promise<void>;
  /** The routing the proxy applies, and the change it came from (a later change always wins). */
  applied: { change: number; routing?: Routing };
  /** The routing the proxy serves by: set once its rule swap has committed, where `applied` is set before. */
  inEffect?: Routing;
  /** The targets in the proxy's pool, by key. */
  readonly pool: Set<string>;
  readonly timers: Set<NodeJS.Timeout>;
}

interface RegisteredTarget {
  readonly id: string;
  readonly port: number;
}

/** Reads of the routing after a change, before the change is given up (and logged). */
const READ_ATTEMPTS = 4;

const targetKey = (t: RegisteredTarget) => `${t.id}:${t.port}`;
const element = (xml: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];

/** The load balancer an ELBv2 listener or rule ARN belongs to. */
export function loadBalancerArnOf(arn: string): string {
  return arn.replace(/:(listener|listener-rule)\/(app|net)\/([^/]+)\/([^/]+)\/.*$/, ':loadbalancer/$2/$3/$4');
}

/** The targets of a RegisterTargets or DeregisterTargets call. */
function targetsOf(form: URLSearchParams): RegisteredTarget[] {
  const targets: RegisteredTarget[] = [];
  for (let i = 1; form.has(`Targets.member.${i}.Id`); i += 1)
    targets.push({ id: form.get(`Targets.member.${i}.Id`)!, port: Number(form.get(`Targets.member.${i}.Port`) ?? 0) });
  return targets;
}

export class DataPlane {
  private readonly balancers = new Map<string, Balancer>();
  /** Registered targets by target group, for IP target groups; the function, for Lambda ones. */
  private readonly targets = new Map<string, Map<string, RegisteredTarget>>();
  private readonly functions = new Map<string, string>();
  private changes = 0;
  private readonly elb: ElasticLoadBalancingV2Client;
  private readonly cloudWatch: CloudWatchClient;
  private readonly log: (line: string) => void;

  constructor(private readonly options: DataPlaneOptions) {
    this.elb = new ElasticLoadBalancingV2Client({
      endpoint: options.controlPlaneUrl,
      region: SANDBOX_REGION,
      credentials: SANDBOX_CREDENTIALS,
    });
    this.cloudWatch = new CloudWatchClient({ endpoint: options.endpoint, region: SANDBOX_REGION, credentials: SANDBOX_CREDENTIALS });
    this.log = (line) => options.log?.(`[load balancer] ${line}`);
  }

  readonly patch: FidelityPatch = {
    name: 'elbv2-data-plane',
    restores:
      'An Application Load Balancer serves its DNS name: each request follows the listener rule, weighted across target groups, ' +
      "to a healthy registered target, or invokes a Lambda target group's function with the ALB's event; rule changes take " +
      'effect after a delay, and a deregistered target drains for the deregistration delay. ' +
      'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/introduction.html',
    applies: (call: AwsCall) => call.service === 'elasticloadbalancing' && ACTIONS.has(call.action),
    handle: async (call, moto) => {
      const reply = await moto(call);
      if (reply.status < 300) await this.follow(call, reply);
      return this.withLoopbackNames(reply);
    },
  };

  /** The share each kind of target receives now, per load balancer, as the proxy applies it. */
  appliedShares(): Record<string, { lambda: number; ip: number } | undefined> {
    return Object.fromEntries([...this.balancers.values()].map((b) => [b.name, b.inEffect && shares(b.inEffect)]));
  }

  /**
   * Publishes every load balancer's metrics counted so far, the current minute's included, for a
   * reader that cannot wait for the minute to close (the rest of the minute follows, and adds up).
   */
  async flushMetrics(): Promise<void> {
    await Promise.all([...this.balancers.values()].map((b) => b.metrics.flush()));
  }

  async shutdown(): Promise<void> {
    const all = [...this.balancers.values()];
    this.balancers.clear();
    await Promise.all(all.map((b) => this.stop(b)));
    this.elb.destroy();
    this.cloudWatch.destroy();
  }

  private async follow(call: AwsCall, reply: AwsReply): Promise<void> {
    const form = new URLSearchParams(call.body.toString('utf8'));
    const xml = reply.body.toString('utf8');
    switch (call.action) {
      case 'CreateLoadBalancer': {
        const arn = element(xml, 'LoadBalancerArn');
        const dnsName = element(xml, 'DNSName');
        if (!arn || !dnsName || this.balancers.has(arn)) return;
        const port = await this.options.freePort();
        const name = form.get('Name') ?? arn.split('/')[2]!;
        const balancer: Balancer = {
          arn,
          name,
          motoDnsName: dnsName,
          port,
          applied: { change: 0 },
          pool: new Set(),
          timers: new Set(),
          metrics: new AlbMetricsPublisher({
            loadBalancerArn: arn,
            putMetricData: async (data) => {
              await this.cloudWatch.send(new PutMetricDataCommand({ Namespace: ALB_NAMESPACE, MetricData: data }));
            },
            ipTargetHealth: () => this.ipTargetHealth(balancer),
            droppedLogs: async () => (await balancer.proxy?.droppedLogs()) ?? 0,
            log: (line) => this.log(`${name}: ${line}`),
          }),
        };
        this.balancers.set(arn, balancer);
        balancer.metrics.start();
        // The proxy holds the port from now on (closing connections until there is a listener): a
        // port merely noted here could be taken by anything else on the machine before the listener.
        await this.started(balancer).catch((err: Error) => this.log(`${balancer.name}: ${err.message}; the next change retries`));
        return;
      }
      case 'DeleteLoadBalancer': {
        const balancer = this.balancers.get(form.get('LoadBalancerArn') ?? '');
        if (!balancer) return;
        this.balancers.delete(balancer.arn);
        await this.stop(balancer);
        return;
      }
      case 'RegisterTargets':
        return this.registered(form.get('TargetGroupArn')!, targetsOf(form));
      case 'DeregisterTargets':
        return this.deregistered(form.get('TargetGroupArn')!, targetsOf(form));
      case 'DescribeLoadBalancers':
        return;
      default: {
        const arn =
          form.get('LoadBalancerArn') ??
          form.get('ListenerArn') ??
          form.get('RuleArn') ??
          form.get('RulePriorities.member.1.RuleArn') ??
          element(xml, 'ListenerArn') ??
          '';
        const balancer = this.balancers.get(loadBalancerArnOf(arn));
        if (balancer) await this.routingChanged(balancer, call.action);
      }
    }
  }

  /** The routing as it is now reaches the proxy later: the rule delay, drawn for each change. */
  private async routingChanged(balancer: Balancer, action: string): Promise<void> {
    const change = ++this.changes;
    let routing: Routing | undefined;
    try {
      routing = await this.readRoutingPatiently(balancer.arn);
    } catch (err) {
      this.log(`${balancer.name}: cannot read its routing after ${action}: ${(err as Error).message}`);
      return;
    }
    const delay = drawDelayMs(this.options.ruleDelay());
    const split = routing ? shares(routing) : undefined;
    this.log(
      `${balancer.name}: ${action} → ${split ? `lambda ${split.lambda}%, fargate ${split.ip}%` : 'no HTTP listener'}, ` +
        `in effect in ${(delay / 1000).toFixed(1)} s`,
    );
    const timer = setTimeout(() => {
      balancer.timers.delete(timer);
      void this.apply(balancer, change, routing).catch((err: Error) => this.log(`${balancer.name}: ${err.message}`));
    }, delay);
    balancer.timers.add(timer);
  }

  /** A busy control plane may fail a read; a change it misses would leave the proxy stale for good. */
  private async readRoutingPatiently(arn: string): Promise<Routing | undefined> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await readRouting(this.elb, arn);
      } catch (err) {
        if (attempt >= READ_ATTEMPTS) throw err;
        await new Promise((resolve) => setTimeout(resolve, attempt * 500));
      }
    }
  }

  private async apply(balancer: Balancer, change: number, routing: Routing | undefined): Promise<void> {
    // Changes drawn different delays may arrive out of order; an older one never undoes a newer.
    if (change < balancer.applied.change || !this.balancers.has(balancer.arn)) return;
    balancer.applied = { change, ...(routing ? { routing } : {}) };
    await this.started(balancer);
    if (!routing) {
      await balancer.proxy!.setListening(false);
      if (balancer.applied.change === change) balancer.inEffect = undefined;
      this.log(`${balancer.name}: no listener, connections closed`);
      return;
    }
    const split = shares(routing);
    const lambda = Math.round(split.lambda);
    await balancer.proxy!.setWeights(lambda, 100 - lambda);
    await balancer.proxy!.setListening(true);
    // Only now does every new request follow it; a newer change that came meanwhile reports itself.
    if (balancer.applied.change === change) balancer.inEffect = routing;
    this.log(`${balancer.name}: now lambda ${split.lambda}%, fargate ${split.ip}%`);
    await this.fillPool(balancer);
  }

  /** Starts the balancer's proxy once; a start that failed is tried again by the next caller. */
  private started(balancer: Balancer): Promise<void> {
    balancer.starting ??= (async () => {
      balancer.lambda = await startLambdaTarget({
        endpoint: this.options.endpoint,
        targetGroup: () => {
          const group = balancer.applied.routing?.groups.find((g) => g.targetType === 'lambda');
          return { functionArn: group && this.functions.get(group.targetGroupArn), multiValueHeaders: group?.multiValueHeaders ?? false };
        },
      });
      try {
        balancer.proxy = await startLoadBalancer({
          stateDir: join(this.options.stateDir, 'load-balancers', balancer.name),
          port: balancer.port,
          lambdaTarget: balancer.lambda.address,
          listening: false,
          log: (line) => this.log(`${balancer.name}: ${line}`),
          onRequest: (forwarded) => this.forwarded(balancer, forwarded),
        });
      } catch (err) {
        await balancer.lambda.close();
        balancer.lambda = undefined;
        throw err;
      }
      this.log(`${balancer.name} holds http://127.0.0.1:${balancer.port}; it serves once it has a listener`);
    })().catch((err: Error) => {
      balancer.starting = undefined;
      throw err;
    });
    return balancer.starting;
  }

  /**
   * A request counts for the target group of its kind that the rule names when it ends. The stack's
   * rule changes move weights between the same two groups, so that is the group it went to.
   */
  private forwarded(balancer: Balancer, { targetGroup, request }: ForwardedRequest): void {
    const group = balancer.applied.routing?.groups.find((g) => g.targetType === targetGroup);
    if (group) balancer.metrics.record(group.targetGroupArn, targetGroup, request);
  }

  /** The IP target group's healthy and unhealthy targets, as DescribeTargetHealth would count them. */
  private async ipTargetHealth(balancer: Balancer): Promise<IpTargetHealth | undefined> {
    const targetGroupArn = this.ipGroup(balancer);
    if (!targetGroupArn || !balancer.proxy || !this.balancers.has(balancer.arn)) return undefined;
    const targets = await balancer.proxy.targets();
    const counted = (health: string) => targets.filter((t) => t.health === health).length;
    return { targetGroupArn, hosts: { healthy: counted('healthy'), unhealthy: counted('unhealthy') } };
  }

  /** The IP target group the balancer routes to: every registered target is in its pool. */
  private ipGroup(balancer: Balancer): string | undefined {
    return balancer.applied.routing?.groups.find((g) => g.targetType === 'ip')?.targetGroupArn;
  }

  private async fillPool(balancer: Balancer): Promise<void> {
    const group = this.ipGroup(balancer);
    if (!group || !balancer.proxy) return;
    for (const target of this.targets.get(group)?.values() ?? []) await this.addToPool(balancer, group, target);
  }

  private async addToPool(balancer: Balancer, group: string, target: RegisteredTarget): Promise<void> {
    const key = targetKey(target);
    if (balancer.pool.has(key)) return;
    balancer.pool.add(key);
    const check = await describeHealthCheck(this.options.controlPlaneUrl, group);
    await balancer.proxy!.addTarget(
      key,
      { host: target.id, port: target.port },
      {
        path: check.path,
        intervalSeconds: check.intervalMs / 1000,
        timeoutSeconds: check.timeoutMs / 1000,
        healthyThreshold: check.healthyThreshold,
        unhealthyThreshold: check.unhealthyThreshold,
        matcher: check.matcher,
      },
    );
  }

  private async registered(group: string, targets: RegisteredTarget[]): Promise<void> {
    for (const target of targets) {
      if (target.id.startsWith('arn:aws:lambda:')) {
        this.functions.set(group, target.id);
        continue;
      }
      const registered = this.targets.get(group) ?? new Map<string, RegisteredTarget>();
      this.targets.set(group, registered);
      registered.set(targetKey(target), target);
      for (const balancer of this.balancers.values())
        if (balancer.proxy && this.ipGroup(balancer) === group) await this.addToPool(balancer, group, target);
    }
  }

  /**
   * A deregistered target gets no new requests; those in flight have the target group's
   * deregistration delay to finish, then it leaves the pool.
   * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-target-groups.html#deregistration-delay
   */
  private async deregistered(group: string, targets: RegisteredTarget[]): Promise<void> {
    const delaySeconds = await deregistrationDelaySeconds(this.elb, group);
    for (const target of targets) {
      if (target.id.startsWith('arn:aws:lambda:')) {
        if (this.functions.get(group) === target.id) this.functions.delete(group);
        continue;
      }
      const key = targetKey(target);
      this.targets.get(group)?.delete(key);
      for (const balancer of this.balancers.values()) {
        if (!balancer.proxy || !balancer.pool.has(key)) continue;
        await balancer.proxy.drainTarget(key);
        this.log(`${balancer.name}: ${key} draining, for at most ${delaySeconds} s`);
        void balancer.proxy
          .removeTarget(key, delaySeconds)
          .then(() => balancer.pool.delete(key))
          .catch((err: Error) => this.log(`${balancer.name}: removing ${key}: ${err.message}`));
      }
    }
  }

  /** The ALB's DNS name, as the sandbox answers it: the loopback address and port its proxy serves. */
  private withLoopbackNames(reply: AwsReply): AwsReply {
    let xml = reply.body.toString('utf8');
    if (!xml.includes('<DNSName>')) return reply;
    for (const balancer of this.balancers.values())
      xml = xml.split(`<DNSName>${balancer.motoDnsName}</DNSName>`).join(`<DNSName>127.0.0.1:${balancer.port}</DNSName>`);
    return { ...reply, body: Buffer.from(xml) };
  }

  private async stop(balancer: Balancer): Promise<void> {
    for (const timer of balancer.timers) clearTimeout(timer);
    balancer.timers.clear();
    await balancer.starting?.catch(() => undefined);
    await balancer.proxy?.stop();
    await balancer.lambda?.close();
    // After the proxy: the requests it cut are in its log by now.
    await balancer.metrics.stop();
  }
}
