/*
 * What the load balancer learns of each request, from HAProxy's log: one line per request, written
 * to HAProxy's stdout as it ends, in the format below. This file holds both sides of that contract
 * (the format the config writes, the parser that reads it) and what the line means in ELB's terms:
 * who made the status (the target or the load balancer), the target's response time, the failed
 * connections to the target, and the Lambda errors the bridge (lambda-target.ts) reports.
 * https://docs.haproxy.org/2.6/configuration.html#8.2.4
 */

/** Starts every request line, so that anything else HAProxy writes to stdout is told apart. */
export const REQUEST_LOG_MARKER = 'switchyard-request';

/**
 * The answer the Lambda bridge gave itself, as the ALB would: a header on its response, which
 * HAProxy reads into the log and removes before the client sees it. Absent when the function's own
 * result is the answer.
 */
export const BRIDGE_ANSWER_HEADER = 'x-switchyard-lb-answer';

/**
 * The ALB's own answers in front of a Lambda target group, by the metric they count for; the access
 * log's error reason codes name them (LambdaUnhandled, LambdaInvalidResponse, LambdaResponseTooLarge,
 * LambdaRequestTooLarge, LambdaResourceNotFound... count as LambdaUserError; LambdaServiceException
 * and LambdaConnectionError as LambdaInternalError).
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-access-logs.html#error-reason-codes
 */
export const BRIDGE_ANSWERS = {
  /** No function is registered: the target group has no target to choose (503). */
  noTarget: 'no-target',
  /** The function failed, or its request or result broke the ALB's rules (413, 502). */
  lambdaUserError: 'lambda-user-error',
  /** Invoke itself failed: Lambda, or the way to it (502). */
  lambdaInternalError: 'lambda-internal-error',
} as const;
export type BridgeAnswer = (typeof BRIDGE_ANSWERS)[keyof typeof BRIDGE_ANSWERS];

/** The transaction variable the Lambda backend copies the bridge's header into. */
export const BRIDGE_ANSWER_VARIABLE = 'txn.bridge_answer';

/*
 * The fields, in order:
 *  - the date the line is written, the end of the request, in epoch milliseconds (the access log's
 *    `time` is when the load balancer answered);
 *  - %b backend, %s server (<NOSRV> when none could be chosen);
 *  - %ST the status the client got (-1 or 0 when it got none);
 *  - %Tr from the connection to the server to the server's complete response headers, -1 when they
 *    never came: ELB's TargetResponseTime ("from the time the load balancer sent the request to a
 *    target until the target started to send the response headers");
 *  - %ts the termination state (two letters: who ended the stream, and in which phase);
 *  - %rc the connection retries;
 *  - the bridge's answer, quoted ("" when none).
 */
export const REQUEST_LOG_FORMAT = `${REQUEST_LOG_MARKER} %[date(0,ms)] %b %s %ST %Tr %ts %rc %{+Q}[var(${BRIDGE_ANSWER_VARIABLE})]`;

/** One request line, as HAProxy wrote it. */
export interface RequestLogLine {
  readonly at: number;
  readonly backend: string;
  /** Undefined when no server could be chosen (<NOSRV>). */
  readonly server: string | undefined;
  /** Undefined when the client got no status (it left first). */
  readonly status: number | undefined;
  /** Undefined when the server's response headers never came. */
  readonly serverResponseMs: number | undefined;
  readonly terminationState: string;
  readonly retries: number;
  readonly bridgeAnswer: BridgeAnswer | undefined;
}

const LINE = new RegExp(`^${REQUEST_LOG_MARKER} (\\d+) (\\S+) (\\S+) (-?\\d+) (-?\\d+) (\\S\\S) [+]?(-?\\d+) "([^"]*)"$`);
const KNOWN_ANSWERS = new Set<string>(Object.values(BRIDGE_ANSWERS));

/** A request line, or undefined for any other line. */
export function parseRequestLog(line: string): RequestLogLine | undefined {
  const match = LINE.exec(line.trimEnd());
  if (!match) return undefined;
  const [, at, backend, server, status, tr, state, retries, answer] = match;
  return {
    at: Number(at),
    backend: backend!,
    server: server === '<NOSRV>' ? undefined : server,
    status: Number(status) > 0 ? Number(status) : undefined,
    serverResponseMs: Number(tr) >= 0 ? Number(tr) : undefined,
    terminationState: state!,
    retries: Math.max(0, Number(retries)),
    bridgeAnswer: KNOWN_ANSWERS.has(answer!) ? (answer as BridgeAnswer) : undefined,
  };
}

/** A request in the terms of the ALB's metrics. */
export interface ServedRequest {
  /** When the load balancer answered, in epoch milliseconds. */
  readonly at: number;
  /**
   * Whether the load balancer found a target for it: RequestCount counts only those ("requests where
   * the load balancer node was able to choose a target").
   */
  readonly targetChosen: boolean;
  readonly status: number | undefined;
  /** Who made the status: HTTPCode_Target_* counts the target's, HTTPCode_ELB_* the load balancer's own. */
  readonly answeredBy: 'target' | 'load-balancer';
  /** TargetResponseTime, for an answer the target gave. */
  readonly targetResponseSeconds: number | undefined;
  /** Connection attempts to a target that failed: TargetConnectionErrorCount. */
  readonly targetConnectionErrors: number;
  readonly lambdaError: 'user' | 'internal' | undefined;
}

/**
 * What a line means for the ALB's metrics. The target gave the status when HAProxy received its
 * response headers, unless HAProxy then refused them (P), failed itself (I) or ran out of a
 * resource (R) while handling them; everything else (no server, a refused or timed-out connection,
 * a server that closed or timed out before answering) is the load balancer's own 502, 503 or 504.
 */
export function servedRequest(line: RequestLogLine): ServedRequest {
  if (line.bridgeAnswer)
    return {
      at: line.at,
      targetChosen: line.bridgeAnswer !== BRIDGE_ANSWERS.noTarget,
      status: line.status,
      answeredBy: 'load-balancer',
      targetResponseSeconds: undefined,
      targetConnectionErrors: 0,
      lambdaError:
        line.bridgeAnswer === BRIDGE_ANSWERS.lambdaUserError
          ? 'user'
          : line.bridgeAnswer === BRIDGE_ANSWERS.lambdaInternalError
            ? 'internal'
            : undefined,
    };
  const [who, phase] = line.terminationState;
  const fromTarget = line.server !== undefined && line.serverResponseMs !== undefined && !(phase === 'H' && /[PIR]/.test(who!));
  // "SC" or "sC": the last attempt to connect failed (refused, or timed out), after `retries` others.
  const lastConnectFailed = line.server !== undefined && phase === 'C' && /[Ss]/.test(who!);
  return {
    at: line.at,
    targetChosen: line.server !== undefined,
    status: line.status,
    answeredBy: fromTarget ? 'target' : 'load-balancer',
    targetResponseSeconds: fromTarget ? line.serverResponseMs! / 1000 : undefined,
    targetConnectionErrors: line.server === undefined ? 0 : line.retries + (lastConnectFailed ? 1 : 0),
    lambdaError: undefined,
  };
}
