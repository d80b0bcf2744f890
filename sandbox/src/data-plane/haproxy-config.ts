import { createHash } from 'node:crypto';
import { BRIDGE_ANSWER_HEADER, BRIDGE_ANSWER_VARIABLE, REQUEST_LOG_FORMAT } from './request-log';

/*
 * The HAProxy configuration that stands for the stack's ALB: one listener, whose one rule (priority
 * 100, path /*) forwards by weight to a Lambda target group and an IP target group. What changes
 * while it runs (the rule's weights, the IP target group's targets) changes through the runtime API;
 * what HAProxy 2.6 reads only from here (the check's path, matcher and timeout, the timeouts) needs
 * a reload to change.
 */

export interface Address {
  readonly host: string;
  readonly port: number;
}

/** The backend that stands for the IP target group (the Fargate tasks). */
export const IP_TARGET_GROUP = 'ip_target_group';
/** The backend that stands for the Lambda target group (the bridge in lambda-target.ts). */
export const LAMBDA_TARGET_GROUP = 'lambda_target_group';

/** A target group's health check, in ELB's terms (CreateTargetGroup's HealthCheck* and Matcher). */
export interface TargetHealthCheck {
  readonly path: string;
  readonly intervalSeconds: number;
  readonly timeoutSeconds: number;
  /** HealthyThresholdCount: passes in a row that make an unhealthy target healthy. */
  readonly healthyThreshold: number;
  /** UnhealthyThresholdCount: failures in a row that make a healthy target unhealthy. */
  readonly unhealthyThreshold: number;
  /** HTTP codes that pass: "200", "200,202" or "200-299". */
  readonly matcher: string;
}

/** The part of a health check HAProxy keeps per backend: the same for every target of the group. */
export type GroupHealthCheck = Pick<TargetHealthCheck, 'path' | 'matcher' | 'timeoutSeconds'>;

/** ELB's defaults for an HTTP target group, in force until the first target brings its group's check. */
export const DEFAULT_GROUP_CHECK: GroupHealthCheck = { path: '/', matcher: '200', timeoutSeconds: 5 };

export function sameGroupCheck(a: GroupHealthCheck, b: GroupHealthCheck): boolean {
  return a.path === b.path && a.matcher === b.matcher && a.timeoutSeconds === b.timeoutSeconds;
}

export interface ListenerConfig {
  readonly port: number;
  readonly lambdaTarget: Address;
  /** The IP target group's health check (its per-target part goes on each server). */
  readonly healthCheck: GroupHealthCheck;
  readonly idleTimeoutSeconds: number;
  readonly runtimeSocket: string;
  /** The ACL file holding the rule's Lambda share as a range of 0..99 (see `lambdaShareRange`). */
  readonly lambdaShareFile: string;
  /** The ACL file that holds `LISTENING` while the load balancer has an HTTP listener, and nothing otherwise. */
  readonly listenerFile: string;
}

/** What the listener file holds while there is a listener. */
export const LISTENING = '1';

// ELB matchers ("200", "200,202", "200-299") are the very syntax of HAProxy's `http-check expect status`.
const MATCHER = /^\d{3}(-\d{3})?(,\d{3}(-\d{3})?)*$/;
// A health check path goes into the config as one word: no space, and no "#" (a comment there).
const CHECK_PATH = /^\/[!-~]*$/;

/**
 * The rule's forward action picks a target group per request, in proportion to the weights
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-elasticloadbalancingv2-listenerrule-forwardconfig.html).
 * Each request draws rand(100); draws inside this range go to Lambda, the rest to the IP target group.
 */
export function lambdaShareRange(lambdaPercent: number): string | undefined {
  return lambdaPercent > 0 ? `0:${lambdaPercent - 1}` : undefined;
}

/**
 * A HAProxy server name for a target id. Names allow only letters, digits and "-_.:", so the id is
 * sanitized, and a hash of the original keeps two ids that sanitize alike apart.
 */
export function serverName(id: string): string {
  const readable = id.replace(/[^A-Za-z0-9_.:-]/g, '_').slice(-40);
  return `t-${readable}-${createHash('sha256').update(id).digest('hex').slice(0, 8)}`;
}

/** The fail-open twin of a target's server (see `fail-open` in haproxy.ts). */
export function failOpenName(name: string): string {
  return `${name}.failopen`;
}

/** Throws for a check this configuration cannot express. */
export function validateHealthCheck(check: TargetHealthCheck): void {
  if (!MATCHER.test(check.matcher)) throw new Error(`health check matcher "${check.matcher}" is not of the form 200, 200,202 or 200-299`);
  if (!CHECK_PATH.test(check.path)) throw new Error(`health check path "${check.path}" must start with / and hold no space or #`);
  const whole = (n: number) => Number.isInteger(n) && n >= 1;
  if (!whole(check.healthyThreshold) || !whole(check.unhealthyThreshold))
    throw new Error('health check thresholds must be whole numbers from 1');
  if (!(check.intervalSeconds > 0) || !(check.timeoutSeconds > 0)) throw new Error('health check interval and timeout must be positive');
}

/**
 * What `add server` gives each target: the per-target part of the health check. Dynamic servers do
 * not inherit `default-server`, so interval and thresholds go on every one
 * (https://docs.haproxy.org/2.6/management.html#9.3-add%20server).
 */
export function checkedServerOptions(check: TargetHealthCheck): string {
  return `check inter ${Math.round(check.intervalSeconds * 1000)} rise ${check.healthyThreshold} fall ${check.unhealthyThreshold}`;
}

export function renderConfig(config: ListenerConfig): string {
  const { healthCheck: check, idleTimeoutSeconds: idle } = config;
  const { host, port } = config.lambdaTarget;
  return `# Written by the sandbox's data plane (sandbox/src/data-plane) at every start and reload.
global
    # level admin: weights, targets and drains change through this socket. expose-fd listeners hands
    # the listening socket to the next worker on a reload, so a reload refuses no connection.
    stats socket ${config.runtimeSocket} mode 600 level admin expose-fd listeners

defaults
    mode http
    # The ALB's connection idle timeout, on client and target connections alike; an idle keep-alive
    # connection from a client is closed after it too.
    timeout client ${idle}s
    timeout server ${idle}s
    timeout http-keep-alive ${idle}s
    # ELB gives up connecting to a target after 10 s and answers 504.
    timeout connect 10s

frontend listener
    bind 127.0.0.1:${config.port}
    # One line per request on stdout, where haproxy-process.ts reads it: the ALB's metrics come from
    # it (request-log.ts). A pipe rather than a syslog socket: no port to allocate, lines in order,
    # and a line HAProxy cannot write is counted (show info: DroppedLogs), never silently lost.
    log stdout format raw local0
    log-format "${REQUEST_LOG_FORMAT}"
    # The port is held from CreateLoadBalancer on, so that nothing else takes it; until the ALB has
    # a listener (and after its listener is deleted) a connection is closed as soon as it is made,
    # and a request on a connection kept alive from before is closed unanswered.
    acl listening int(${LISTENING}) -m int -f ${config.listenerFile}
    tcp-request connection reject unless listening
    http-request reject unless listening
    # The ALB appends the client to X-Forwarded-For and says how it was reached.
    option forwardfor
    http-request set-header X-Forwarded-Proto http
    http-request set-header X-Forwarded-Port ${config.port}
    # The listener rule: weighted forward to the Lambda and the IP target groups.
    http-request set-var(txn.rule_draw) rand(100)
    use_backend ${LAMBDA_TARGET_GROUP} if { var(txn.rule_draw) -m int -f ${config.lambdaShareFile} }
    default_backend ${IP_TARGET_GROUP}

backend ${LAMBDA_TARGET_GROUP}
    # The bridge that turns an HTTP request into the Lambda target event; ELB checks no Lambda
    # target by default.
    server lambda ${host}:${port}
    # The bridge marks the answers that are the ALB's own rather than the function's: the mark goes
    # to the log and never to the client.
    http-response set-var(${BRIDGE_ANSWER_VARIABLE}) res.hdr(${BRIDGE_ANSWER_HEADER})
    http-response del-header ${BRIDGE_ANSWER_HEADER}

backend ${IP_TARGET_GROUP}
    # ELB's default routing algorithm; dynamic servers need a dynamic algorithm, and this is one.
    balance roundrobin
    # Fail-open: with no healthy target, requests go to every backup (haproxy.ts adds one per target).
    option allbackups
    # The target group's health check. ELB asks with GET and HTTP/1.1, as ELB-HealthChecker/2.0; every
    # target here is on loopback, hence the Host.
    option httpchk
    http-check send meth GET uri ${check.path} ver HTTP/1.1 hdr Host 127.0.0.1 hdr User-Agent ELB-HealthChecker/2.0
    http-check expect status ${check.matcher}
    timeout check ${Math.round(check.timeoutSeconds * 1000)}
`;
}
