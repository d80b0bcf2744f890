import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { KEEP_ALIVE_TIMEOUT_MS } from '@switchyard/domain/timing-budget';
import { createLambdaGateway } from '@switchyard/lambda-local/gateway';
import { SANDBOX_CREDENTIALS, SANDBOX_REGION } from '../sandbox-state';

/*
 * A Lambda target group's side of the load balancer: each request becomes the ALB's event and an
 * `Invoke` of the registered function, through the local AWS, so the function runs as Lambda runs
 * it. What the ALB does around the call comes from lambda-local's gateway, which the parity tests
 * hold to the ALB's documented contract: the event (multi-value headers when the target group says
 * so), 413 for a request body over 1 MB, 502 for a result the ALB cannot read.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/lambda-functions.html
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
  const invoke = async (functionArn: string, event: unknown) => {
    const reply = await lambda.send(new InvokeCommand({ FunctionName: functionArn, Payload: Buffer.from(JSON.stringify(event)) }));
    const payload = Buffer.from(reply.Payload ?? new Uint8Array());
    if (reply.FunctionError) {
      invocations.failed++;
      throw new Error(`the function failed (${reply.FunctionError}): ${payload.toString('utf8').slice(0, 300)}`);
    }
    if (payload.length > MAX_RESULT_BYTES) {
      invocations.failed++;
      throw new Error(`the function's response is ${payload.length} bytes; the ALB takes at most ${MAX_RESULT_BYTES}`);
    }
    invocations.ok++;
    return JSON.parse(payload.toString('utf8')) as unknown;
  };
  // One gateway per event shape; the target group's attribute picks one for each request.
  const gateways = new Map(
    (['alb', 'alb-multi-value'] as const).map((kind) => [
      kind,
      createLambdaGateway((event) => invoke(options.targetGroup().functionArn!, event), { kind }),
    ]),
  );
  const server: Server = createServer((req, res) => {
    const group = options.targetGroup();
    if (!group.functionArn) {
      // A target group with no registered target: the ALB answers 503.
      res.writeHead(503, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ error: { code: 'SERVICE_UNAVAILABLE', message: 'no function is registered in the target group' } }));
      return;
    }
    gateways.get(group.multiValueHeaders ? 'alb-multi-value' : 'alb')!.emit('request', req, res);
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
