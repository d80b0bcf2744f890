import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { KEEP_ALIVE_TIMEOUT_MS } from '@switchyard/domain/timing-budget';
import { createLambdaGateway } from '@switchyard/lambda-local/gateway';
import { resultProblems } from '@switchyard/lambda-local/results';
import { SANDBOX_CREDENTIALS, SANDBOX_REGION } from '../sandbox-state';
import { BRIDGE_ANSWER_HEADER, BRIDGE_ANSWERS } from './request-log';

/*
 * A Lambda target group's side of the load balancer: each request becomes the ALB's event and an
 * `Invoke` of the registered function, through the local AWS, so the function runs as Lambda runs
 * it. What the ALB does around the call comes from lambda-local's gateway, which the parity tests
 * hold to the ALB's documented contract: the event (multi-value headers when the target group says
 * so), 413 for a request body over 1 MB, 502 for a result the ALB cannot read.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/lambda-functions.html
 *
 * Those answers are the ALB's, not the function's: its metrics count them as the load balancer's
 * 5XX, and the failed invocations as Lambda errors. Each one carries a mark (request-log.ts) that
 * the proxy logs and removes; the function's own answers carry none.
 */

/** The ALB answers 502 when the function's response is larger than this. */
export const MAX_RESULT_BYTES = 1_000_000;

/** What the load balancer knows of the Lambda target group it routes to, when a request arrives. */
export interface LambdaTargetGroup {
  /** The function registered in the target group (its ARN or name); none yet, and the ALB answers 503. */
  readonly functionArn: string | undefined;
  /** The target group's `lambda.multi_value_headers.enabled`. */
  readonly multiValueHeaders: boolean;
}

export interface LambdaTargetOptions {
  /** The local AWS, where Invoke runs the function. */
  readonly endpoint: string;
  /** Read for each request: the target group's registration and attributes can change. */
  readonly targetGroup: () => LambdaTargetGroup;
}

export interface LambdaTarget {
  /** host:port the load balancer sends the target group's requests to. */
  readonly address: { host: string; port: number };
  /** Invocations that returned, by outcome: the drill compares them with what clients saw. */
  readonly invocations: { ok: number; failed: number };
  close(): Promise<void>;
}

export async function startLambdaTarget(options: LambdaTargetOptions): Promise<LambdaTarget> {
  const lambda = new LambdaClient({
    endpoint: options.endpoint,
    region: SANDBOX_REGION,
    credentials: SANDBOX_CREDENTIALS,
    // The ALB makes one attempt; a failed invocation is the client's 502, not a retry.
    maxAttempts: 1,
  });
  const invocations = { ok: 0, failed: 0 };
  /** The function's result, once the ALB could read it; the response it will answer loses its mark. */
  const invoke = async (functionArn: string, event: unknown, res: ServerResponse) => {
    let reply;
    try {
      reply = await lambda.send(new InvokeCommand({ FunctionName: functionArn, Payload: Buffer.from(JSON.stringify(event)) }));
    } catch (err) {
      invocations.failed++;
      // Lambda refusing the call (no such function, throttled, not allowed) is the function's
      // configuration; Lambda failing (5XX) or unreachable is Lambda's.
      const { $fault, $metadata } = err as { $fault?: string; $metadata?: { httpStatusCode?: number } };
      if (!$metadata?.httpStatusCode || $fault === 'server') res.setHeader(BRIDGE_ANSWER_HEADER, BRIDGE_ANSWERS.lambdaInternalError);
      throw err;
    }
    const payload = Buffer.from(reply.Payload ?? new Uint8Array());
    if (reply.FunctionError) {
      invocations.failed++;
      throw new Error(`the function failed (${reply.FunctionError}): ${payload.toString('utf8').slice(0, 300)}`);
    }
    if (payload.length > MAX_RESULT_BYTES) {
      invocations.failed++;
      throw new Error(`the function's response is ${payload.length} bytes; the ALB takes at most ${MAX_RESULT_BYTES}`);
    }
    const result = JSON.parse(payload.toString('utf8')) as unknown;
    const problems = resultProblems(result);
    if (problems.length) {
      invocations.failed++;
      throw new Error(`the ALB cannot read the function's result: ${problems.join('; ')}`);
    }
    invocations.ok++;
    res.removeHeader(BRIDGE_ANSWER_HEADER);
    return result;
  };
  const server: Server = createServer((req, res) => {
    const group = options.targetGroup();
    if (!group.functionArn) {
      // A target group with no registered target: the ALB answers 503.
      res.writeHead(503, { 'content-type': 'application/json; charset=utf-8', [BRIDGE_ANSWER_HEADER]: BRIDGE_ANSWERS.noTarget });
      res.end(JSON.stringify({ error: { code: 'SERVICE_UNAVAILABLE', message: 'no function is registered in the target group' } }));
      return;
    }
    // Until the function's result is in hand, the answer is the ALB's: 413 before any invocation,
    // 502 for a failed one (LambdaUserError, unless Invoke itself failed).
    res.setHeader(BRIDGE_ANSWER_HEADER, BRIDGE_ANSWERS.lambdaUserError);
    // A gateway for this request alone, so that its invocation can unmark this response; it never listens.
    const functionArn = group.functionArn;
    createLambdaGateway((event) => invoke(functionArn, event, res), { kind: group.multiValueHeaders ? 'alb-multi-value' : 'alb' }).emit(
      'request',
      req,
      res,
    );
  });
  // As every target does: idle connections outlive the ALB's, so the ALB is the one to close them.
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    address: { host: '127.0.0.1', port },
    invocations,
    close: () =>
      new Promise<void>((resolve) => {
        lambda.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
