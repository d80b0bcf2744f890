import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isIPv4 } from 'node:net';
import { join } from 'node:path';
import {
  checkedServerOptions,
  DEFAULT_GROUP_CHECK,
  failOpenName,
  IP_TARGET_GROUP,
  LAMBDA_TARGET_GROUP,
  lambdaShareRange,
  LISTENING,
  renderConfig,
  sameGroupCheck,
  serverName,
  validateHealthCheck,
  type Address,
  type GroupHealthCheck,
  type ListenerConfig,
  type TargetHealthCheck,
} from './haproxy-config';
import { startHaproxy, type HaproxyProcess } from './haproxy-process';
import { parseRequestLog, servedRequest, type ServedRequest } from './request-log';
import { abstractSocket, parseStat, runtimeCommand } from './runtime-api';

/*
 * The ALB's data plane: HAProxy 2.6 serves the stack's URL, and this controller drives it through
 * its runtime API as the control plane changes the listener rule and the IP target group.
 *
 * Initial state. "After your target is registered, it must pass one health check to be considered
 * healthy" (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html).
 * A dynamic HAProxy server is up before any check, so each target starts with weight 0 (checked,
 * never chosen), and the controller gives it its weight once judged: marked up when its first check
 * passes, down when its checks have failed for UnhealthyThresholdCount intervals. From then on
 * HAProxy's rise and fall are ELB's HealthyThresholdCount and UnhealthyThresholdCount.
 *
 * Fail-open. "If a target group contains only unhealthy registered targets, the load balancer routes
 * requests to all those targets" (same page). HAProxy answers 503 when no server is up, so each
 * target has a twin: a backup server at the same address with no health check. With `option
 * allbackups` the twins take the traffic only while no target is healthy. A twin stays in
 * maintenance while its target is `initial`: fail-open applies to unhealthy targets, not new ones.
 *
 * The group's health check. HAProxy 2.6 keeps a check's path, matcher and timeout per backend, in the
 * config only, and ELB keeps them per target group; targets bring them at registration. The first
 * target of an empty pool that brings a check other than the one in force reloads HAProxy with it
 * (see haproxy-process.ts): no connection is refused and no request in flight is cut.
 */

export type { Address, TargetHealthCheck } from './haproxy-config';

/** A target's state as DescribeTargetHealth names it (`unused` targets are not listed). */
export type TargetHealthState = 'initial' | 'healthy' | 'unhealthy' | 'draining';

export interface TargetStatus {
  readonly id: string;
  readonly address: Address;
  readonly health: TargetHealthState;
  /** Requests in flight to the target. */
  readonly sessions: number;
}

/** A request the listener forwarded, and the target group it went to. */
export interface ForwardedRequest {
  readonly targetGroup: 'lambda' | 'ip';
  readonly request: ServedRequest;
}

/** The listener rule's weights, in percent. */
export interface RuleWeights {
  readonly lambda: number;
  readonly fargate: number;
}

export interface LoadBalancerOptions {
  /** Where the config, the rule's ACL file and the runtime socket live; created if missing. */
  readonly stateDir: string;
  /** The loopback port the listener serves. */
  readonly port: number;
  /** The bridge that invokes the function with the Lambda target event. */
  readonly lambdaTarget: Address;
  readonly log?: (line: string) => void;
  /** The rule's weights at start. @default all to Lambda */
  readonly weights?: RuleWeights;
  /** Whether the load balancer has a listener at start: without one, connections are closed at once. @default true */
  readonly listening?: boolean;
  /** The ALB's connection idle timeout. @default 60 (ELB's default) */
  readonly idleTimeoutSeconds?: number;
  /** @default 'haproxy' */
  readonly program?: string;
  /** Each request forwarded to a target group, as it ends (requests refused without a listener are not). */
  readonly onRequest?: (forwarded: ForwardedRequest) => void;
}

export interface LoadBalancer {
  readonly url: string;
  setWeights(lambda: number, fargate: number): Promise<void>;
  weights(): Promise<RuleWeights>;
  /** CreateListener (true) or DeleteListener (false): whether connections are served or closed at once. */
  setListening(listening: boolean): Promise<void>;
  /**
   * RegisterTargets: the target is `initial` until it passes one check. Every target of the IP target
   * group shares its path, matcher and timeout; a different one is refused while targets are registered.
   */
  addTarget(id: string, address: Address, check: TargetHealthCheck): Promise<void>;
  /** No new requests; those in flight finish. */
  drainTarget(id: string): Promise<void>;
  /**
   * Drains the target, waits for its requests in flight to finish (closing what is left after
   * `deregistrationDelaySeconds`, when given, as ELB does) and removes it.
   */
  removeTarget(id: string, deregistrationDelaySeconds?: number): Promise<void>;
  targets(): Promise<TargetStatus[]>;
  /** Request log lines HAProxy could not write (its stdout was full) since it started. */
  droppedLogs(): Promise<number>;
  stop(): Promise<void>;
}

const POLL_MS = 200;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Target {
  readonly id: string;
  readonly address: Address;
  readonly check: TargetHealthCheck;
  readonly server: string;
  readonly twin: string;
  readonly registeredAt: number;
  /** Out of `initial`: its first check passed, or its checks have failed for UnhealthyThresholdCount intervals. */
  judged: boolean;
  draining: boolean;
  removal?: Promise<void>;
}

function checkOutcome(checkStatus: string | undefined): 'pending' | 'passed' | 'failed' {
  // "* L7OK" while the next check runs; INI and UNK before any result.
  const status = (checkStatus ?? '').replace(/^\* /, '');
  if (status === '' || status === 'INI' || status === 'UNK') return 'pending';
  return /^L[467]OK/.test(status) ? 'passed' : 'failed';
}

function validateWeights({ lambda, fargate }: RuleWeights): void {
  const valid = (weight: number) => Number.isInteger(weight) && weight >= 0 && weight <= 100;
  if (!valid(lambda) || !valid(fargate) || lambda + fargate !== 100)
    throw new Error(`weights must be whole percentages summing to 100, not ${lambda}/${fargate}`);
}

class HaproxyLoadBalancer implements LoadBalancer {
  readonly url: string;
  private readonly registered = new Map<string, Target>();
  private readonly registering = new Set<string>();
  private mutations: Promise<unknown> = Promise.resolve();
  private stopped = false;
  private readonly watching: Promise<void>;

  constructor(
    private readonly haproxy: HaproxyProcess,
    private readonly configFile: string,
    private config: ListenerConfig,
    private readonly log: (line: string) => void,
  ) {
    this.url = `http://127.0.0.1:${config.port}`;
    this.watching = this.watchInitialTargets();
  }

  private command(command: string): Promise<string> {
    return runtimeCommand(this.config.runtimeSocket, command);
  }

  private async expect(command: string, answer: string): Promise<void> {
    const actual = await this.command(command);
    if (actual !== answer) throw new Error(`haproxy: "${command}" answered "${actual}"`);
  }

  /**
   * Changes go one at a time: the health watcher must not re-enable a twin that a drain has just set
   * aside, a rule change is one prepare/commit, and nothing may change during a reload.
   */
  private serialized<T>(change: () => Promise<T>): Promise<T> {
    const next = this.mutations.then(change, change);
    this.mutations = next.catch(() => undefined);
    return next;
  }

  private async serverRows(): Promise<Map<string, Record<string, string>>> {
    const rows = parseStat(await this.command(`show stat ${IP_TARGET_GROUP} 4 -1`));
    return new Map(rows.map((row) => [row.svname ?? '', row]));
  }

  private target(id: string): Target {
    const target = this.registered.get(id);
    if (!target) throw new Error(`target ${id} is not registered`);
    return target;
  }

  /** Replaces an ACL file's contents, in the file (what a reload reads) and atomically in the runtime. */
  private replaceAcl(file: string, value: string | undefined): Promise<void> {
    return this.serialized(async () => {
      writeFileSync(file, `${value ?? ''}\n`);
      const prepared = /New version created: (\d+)/.exec(await this.command(`prepare acl ${file}`));
      if (!prepared) throw new Error('haproxy: prepare acl gave no version');
      if (value) await this.expect(`add acl @${prepared[1]} ${file} ${value}`, '');
      await this.expect(`commit acl @${prepared[1]} ${file}`, '');
    });
  }

  async setWeights(lambda: number, fargate: number): Promise<void> {
    validateWeights({ lambda, fargate });
    // One swap: no request sees the rule half changed.
    await this.replaceAcl(this.config.lambdaShareFile, lambdaShareRange(lambda));
  }

  async setListening(listening: boolean): Promise<void> {
    await this.replaceAcl(this.config.listenerFile, listening ? LISTENING : undefined);
  }

  async weights(): Promise<RuleWeights> {
    const range = /(\d+):(\d+)\s*$/m.exec(await this.command(`show acl ${this.config.lambdaShareFile}`));
    const lambda = range ? Number(range[2]) + 1 : 0;
    return { lambda, fargate: 100 - lambda };
  }

  async addTarget(id: string, address: Address, check: TargetHealthCheck): Promise<void> {
    if (this.registered.has(id) || this.registering.has(id)) throw new Error(`target ${id} is already registered`);
    // Dynamic servers resolve no names (init-addr none), and the loopback data plane is IPv4.
    if (!isIPv4(address.host)) throw new Error(`target ${id}: ${address.host} is not an IPv4 address`);
    validateHealthCheck(check);
    const server = serverName(id);
    const twin = failOpenName(server);
    const at = `${address.host}:${address.port}`;
    this.registering.add(id);
    await this.serialized(async () => {
      try {
        if (!sameGroupCheck(this.config.healthCheck, check)) await this.reloadWithCheck(check, id);
        // `set server ... health down` would not do: a server leaving maintenance is up again.
        await this.expect(
          `add server ${IP_TARGET_GROUP}/${server} ${at} ${checkedServerOptions(check)} weight 0`,
          'New server registered.',
        );
        await this.expect(`enable health ${IP_TARGET_GROUP}/${server}`, '');
        await this.expect(`enable server ${IP_TARGET_GROUP}/${server}`, '');
        // Left in maintenance, where `add server` puts it, until the target is judged.
        await this.expect(`add server ${IP_TARGET_GROUP}/${twin} ${at} backup`, 'New server registered.');
      } catch (error) {
        for (const name of [server, twin]) {
          await this.command(`disable server ${IP_TARGET_GROUP}/${name}`).catch(() => '');
          await this.command(`del server ${IP_TARGET_GROUP}/${name}`).catch(() => '');
        }
        throw error;
      } finally {
        this.registering.delete(id);
      }
      this.registered.set(id, { id, address, check, server, twin, registeredAt: Date.now(), judged: false, draining: false });
    });
  }

  /** Applies a new group check (path, matcher, timeout), which only the config holds. Runs serialized. */
  private async reloadWithCheck(check: TargetHealthCheck, id: string): Promise<void> {
    const group: GroupHealthCheck = { path: check.path, matcher: check.matcher, timeoutSeconds: check.timeoutSeconds };
    // A reload starts the pool empty: dynamic servers are not in the config.
    if (this.registered.size > 0)
      throw new Error(
        `target ${id}: its target group's health check (${JSON.stringify(group)}) differs from the registered targets' ` +
          `(${JSON.stringify(this.config.healthCheck)}); HAProxy 2.6 changes it only by a reload, which would drop them`,
      );
    const config = { ...this.config, healthCheck: group };
    writeFileSync(this.configFile, renderConfig(config));
    this.log(`[data-plane] reloading haproxy for the IP target group's health check ${JSON.stringify(group)}`);
    try {
      await this.haproxy.reload();
    } catch (error) {
      writeFileSync(this.configFile, renderConfig(this.config));
      throw error;
    }
    this.config = config;
  }

  async drainTarget(id: string): Promise<void> {
    const target = this.target(id);
    await this.serialized(async () => {
      target.draining = true;
      for (const name of [target.server, target.twin]) await this.expect(`set server ${IP_TARGET_GROUP}/${name} state drain`, '');
    });
  }

  async removeTarget(id: string, deregistrationDelaySeconds?: number): Promise<void> {
    const target = this.target(id);
    target.removal ??= this.deregister(target, deregistrationDelaySeconds).catch((error: unknown) => {
      target.removal = undefined;
      throw error;
    });
    return target.removal;
  }

  private async sessions(target: Target): Promise<number> {
    const rows = await this.serverRows();
    return Number(rows.get(target.server)?.scur ?? 0) + Number(rows.get(target.twin)?.scur ?? 0);
  }

  /**
   * ELB's deregistration: draining until the requests in flight finish or the deregistration delay
   * elapses, whichever comes first; what is still open then is closed. HAProxy has no such timer.
   * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-target-group-attributes.html#deregistration-delay
   */
  private async deregister(target: Target, delaySeconds: number | undefined): Promise<void> {
    if (!target.draining) await this.drainTarget(target.id);
    const deadline = delaySeconds === undefined ? Infinity : Date.now() + delaySeconds * 1000;
    while ((await this.sessions(target)) > 0 && Date.now() < deadline) await sleep(POLL_MS);
    await this.serialized(async () => {
      for (const name of [target.server, target.twin]) await this.expect(`set server ${IP_TARGET_GROUP}/${name} state maint`, '');
      if ((await this.sessions(target)) > 0)
        for (const name of [target.server, target.twin]) await this.command(`shutdown sessions server ${IP_TARGET_GROUP}/${name}`);
    });
    // `del server` refuses a server with connections attached, idle ones included; they close
    // shortly after maintenance.
    for (const name of [target.server, target.twin]) {
      const giveUp = Date.now() + 15_000;
      for (;;) {
        const answer = await this.serialized(() => this.command(`del server ${IP_TARGET_GROUP}/${name}`));
        if (answer === 'Server deleted.') break;
        if (!answer.startsWith('Server still has connections') || Date.now() > giveUp)
          throw new Error(`haproxy: del server for target ${target.id} answered "${answer}"`);
        await sleep(POLL_MS);
      }
    }
    this.registered.delete(target.id);
  }

  async targets(): Promise<TargetStatus[]> {
    const rows = await this.serverRows();
    const statuses: TargetStatus[] = [];
    for (const target of this.registered.values()) {
      const row = rows.get(target.server);
      if (!row) continue; // being deleted
      const health: TargetHealthState = target.draining
        ? 'draining'
        : !target.judged
          ? 'initial'
          : row.status?.startsWith('UP')
            ? 'healthy'
            : 'unhealthy';
      const sessions = Number(row.scur ?? 0) + Number(rows.get(target.twin)?.scur ?? 0);
      statuses.push({ id: target.id, address: target.address, health, sessions });
    }
    return statuses;
  }

  /** Takes targets out of `initial` as their checks come in, and lets their twins fail open from then on. */
  private async watchInitialTargets(): Promise<void> {
    while (!this.stopped) {
      await sleep(POLL_MS);
      const waiting = [...this.registered.values()].filter((target) => !target.judged && !target.draining);
      if (this.stopped || waiting.length === 0) continue;
      try {
        const rows = await this.serverRows();
        for (const target of waiting) {
          const outcome = checkOutcome(rows.get(target.server)?.check_status);
          const { unhealthyThreshold, intervalSeconds } = target.check;
          const failedLongEnough = Date.now() - target.registeredAt >= unhealthyThreshold * intervalSeconds * 1000;
          if (outcome === 'pending' || (outcome === 'failed' && !failedLongEnough)) continue;
          await this.serialized(async () => {
            if (target.draining || !this.registered.has(target.id)) return;
            // Up or down with a full count, so that leaving it takes the whole threshold.
            await this.expect(`set server ${IP_TARGET_GROUP}/${target.server} health ${outcome === 'passed' ? 'up' : 'down'}`, '');
            await this.expect(`set server ${IP_TARGET_GROUP}/${target.server} weight 1`, '');
            await this.expect(`set server ${IP_TARGET_GROUP}/${target.twin} state ready`, '');
            target.judged = true;
          });
        }
      } catch (error) {
        if (!this.stopped) this.log(`[data-plane] health watch: ${(error as Error).message}`);
      }
    }
  }

  async droppedLogs(): Promise<number> {
    return Number(/^DroppedLogs: (\d+)$/m.exec(await this.command('show info'))?.[1] ?? 0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    // Requests in flight are cut, as when an ALB is deleted.
    await this.haproxy.stop();
    await this.watching;
  }
}

/**
 * Writes the config and starts HAProxy, a child of this process, then resolves once the listener
 * accepts connections and the runtime API answers.
 */
export async function startLoadBalancer(options: LoadBalancerOptions): Promise<LoadBalancer> {
  const { stateDir, port } = options;
  const log = options.log ?? (() => undefined);
  // The runtime API and the ACL are named by path on the CLI, whose words are split on spaces.
  if (/\s/.test(stateDir)) throw new Error(`the data plane's state dir must hold no whitespace: ${stateDir}`);
  const weights = options.weights ?? { lambda: 100, fargate: 0 };
  validateWeights(weights);
  mkdirSync(stateDir, { recursive: true });
  const config: ListenerConfig = {
    port,
    lambdaTarget: options.lambdaTarget,
    healthCheck: DEFAULT_GROUP_CHECK,
    idleTimeoutSeconds: options.idleTimeoutSeconds ?? 60,
    runtimeSocket: abstractSocket('runtime'),
    lambdaShareFile: join(stateDir, 'lambda-share.acl'),
    listenerFile: join(stateDir, 'listener.acl'),
  };
  writeFileSync(config.lambdaShareFile, `${lambdaShareRange(weights.lambda) ?? ''}\n`);
  writeFileSync(config.listenerFile, `${options.listening === false ? '' : LISTENING}\n`);
  const configFile = join(stateDir, 'haproxy.cfg');
  writeFileSync(configFile, renderConfig(config));
  const targetGroups: Record<string, ForwardedRequest['targetGroup']> = { [LAMBDA_TARGET_GROUP]: 'lambda', [IP_TARGET_GROUP]: 'ip' };
  const master = masterSocket(stateDir);
  const haproxy = await startHaproxy({
    configFile,
    runtimeSocket: config.runtimeSocket,
    masterSocket: master.path,
    port,
    program: options.program,
    log,
    stdoutLine: (line) => {
      const logged = parseRequestLog(line);
      if (!logged) return log(`[haproxy] ${line}`);
      const targetGroup = targetGroups[logged.backend];
      if (targetGroup) options.onRequest?.({ targetGroup, request: servedRequest(logged) });
    },
  });
  return new HaproxyLoadBalancer(
    { reload: () => haproxy.reload(), stop: () => haproxy.stop().finally(master.remove) },
    configFile,
    config,
    log,
  );
}

/** A unix socket's path must fit in sun_path (108 bytes, its NUL included). */
const SOCKET_PATH_MAX = 107;

/**
 * The master CLI's socket: a file, not an abstract socket. A reload re-executes the master, which
 * binds its CLI again; HAProxy binds a file socket under a temporary name and renames it into place,
 * while an abstract name can still be held at that moment ("cannot bind UNIX socket (already in use)",
 * and the master exits). In the state dir when its path fits, else in a short folder of its own.
 */
function masterSocket(stateDir: string): { path: string; remove: () => void } {
  const inState = join(stateDir, 'master.sock');
  if (Buffer.byteLength(inState) <= SOCKET_PATH_MAX - 16) return { path: inState, remove: () => rmSync(inState, { force: true }) };
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-lb-'));
  return { path: join(dir, 'master.sock'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}
