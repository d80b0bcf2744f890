import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LambdaHttpHandler } from '@switchyard/lambda-contract/contract';

/**
 * A local Lambda Runtime API (the interface a runtime such as aws-lambda-ric polls), so a real
 * runtime in a real container can be driven from a test: events go in with invoke(), the
 * runtime fetches them from /next and posts back to /response or /error, or to /init/error
 * when the handler cannot even load.
 * https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html
 */
export interface RuntimeApi {
  /** What the runtime needs in AWS_LAMBDA_RUNTIME_API: host:port. */
  readonly address: string;
  /** Queues one invocation and resolves with the runtime's response payload (parsed if JSON). */
  invoke(event: unknown, timeoutMs?: number): Promise<unknown>;
  /** The same, shaped like a handler, so a gateway or a parity table can call a runtime in a container. */
  readonly handler: LambdaHttpHandler;
  /** Resolves when the runtime reports that it could not initialise. */
  readonly initError: Promise<FunctionError>;
  /** How many times the runtime has asked for work; tells a runtime that is up from one that is not. */
  readonly polls: number;
  /** When the runtime first asked for work (performance.now()): it has started and loaded the handler. */
  readonly firstPollAt: number | undefined;
  close(): Promise<void>;
}

export interface RuntimeApiOptions {
  functionName?: string;
  /** Default invocation timeout, reported to the runtime as the deadline. @default 30000 */
  timeoutMs?: number;
  /** Where to listen. @default '127.0.0.1' and a free port */
  host?: string;
  port?: number;
}

/** What a runtime reports through /error or /init/error. */
export class FunctionError extends Error {
  constructor(
    readonly errorType: string,
    message: string,
    readonly stage: 'init' | 'invoke',
  ) {
    super(`${stage === 'init' ? 'init' : 'invocation'} failed: ${errorType}: ${message}`);
    this.name = 'FunctionError';
  }
}

/** Lambda's own limit on a synchronous response payload. */
export const MAX_RESPONSE_BYTES = 6 * 1024 * 1024;
const PREFIX = '/2018-06-01/runtime';

interface Invocation {
  id: string;
  event: unknown;
  deadlineMs: number;
  settle(outcome: { payload: unknown } | { error: FunctionError }): void;
}

async function readBody(req: IncomingMessage): Promise<Buffer | 'too-large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_RESPONSE_BYTES) return 'too-large';
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function remove<T>(list: T[], item: T): void {
  const index = list.indexOf(item);
  if (index !== -1) list.splice(index, 1);
}

function reply(res: ServerResponse, status: number, body: object): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function parsePayload(body: Buffer): unknown {
  const text = body.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function toFunctionError(body: Buffer, headerType: string | undefined, stage: 'init' | 'invoke'): FunctionError {
  const reported = parsePayload(body) as { errorType?: unknown; errorMessage?: unknown } | string;
  const fields = typeof reported === 'object' && reported !== null ? reported : {};
  const errorType = typeof fields.errorType === 'string' ? fields.errorType : (headerType ?? 'Unknown');
  const message = typeof fields.errorMessage === 'string' ? fields.errorMessage : String(reported);
  return new FunctionError(errorType, message, stage);
}

export async function startRuntimeApi(options: RuntimeApiOptions = {}): Promise<RuntimeApi> {
  const functionName = options.functionName ?? 'switchyard-local';
  const defaultTimeoutMs = options.timeoutMs ?? 30_000;
  const queued: Invocation[] = [];
  const waitingRuntimes: ServerResponse[] = [];
  const inFlight = new Map<string, Invocation>();
  let polls = 0;
  let firstPollAt: number | undefined;
  let reportInitError!: (error: FunctionError) => void;
  const initError = new Promise<FunctionError>((resolve) => (reportInitError = resolve));
  let failedInit: FunctionError | undefined;

  function dispatch(runtime: ServerResponse, invocation: Invocation): void {
    inFlight.set(invocation.id, invocation);
    runtime.writeHead(200, {
      'content-type': 'application/json',
      'lambda-runtime-aws-request-id': invocation.id,
      'lambda-runtime-deadline-ms': String(invocation.deadlineMs),
      'lambda-runtime-invoked-function-arn': `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
      'lambda-runtime-trace-id': `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomUUID().replace(/-/g, '').slice(0, 24)}`,
    });
    runtime.end(JSON.stringify(invocation.event));
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '';
    if (req.method === 'GET' && url === `${PREFIX}/invocation/next`) {
      polls += 1;
      firstPollAt ??= performance.now();
      const next = queued.shift();
      if (next) return dispatch(res, next);
      waitingRuntimes.push(res);
      res.on('close', () => remove(waitingRuntimes, res));
      return;
    }
    if (req.method === 'POST' && url === `${PREFIX}/init/error`) {
      const body = await readBody(req);
      const error = toFunctionError(
        body === 'too-large' ? Buffer.alloc(0) : body,
        req.headers['lambda-runtime-function-error-type'] as string,
        'init',
      );
      failedInit = error;
      reportInitError(error);
      [...queued.splice(0), ...inFlight.values()].forEach((invocation) => invocation.settle({ error }));
      return reply(res, 202, { status: 'OK' });
    }
    const match = req.method === 'POST' ? /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/.exec(url) : null;
    if (!match) return reply(res, 404, { errorType: 'NotFound', errorMessage: `${req.method} ${url} is not part of the Runtime API` });
    const [, id, kind] = match as unknown as [string, string, 'response' | 'error'];
    const invocation = inFlight.get(id);
    if (!invocation) return reply(res, 400, { errorType: 'InvalidRequestID', errorMessage: `no invocation ${id} is in flight` });
    const body = await readBody(req);
    inFlight.delete(id);
    if (body === 'too-large') {
      invocation.settle({
        error: new FunctionError('Function.ResponseSizeTooLarge', `response over ${MAX_RESPONSE_BYTES} bytes`, 'invoke'),
      });
      return reply(res, 413, { errorType: 'RequestEntityTooLarge', errorMessage: `response over ${MAX_RESPONSE_BYTES} bytes` });
    }
    if (kind === 'response') invocation.settle({ payload: parsePayload(body) });
    else invocation.settle({ error: toFunctionError(body, req.headers['lambda-runtime-function-error-type'] as string, 'invoke') });
    reply(res, 202, { status: 'OK' });
  }

  const server = createServer((req, res) => {
    route(req, res).catch((err: unknown) => {
      if (!res.headersSent) reply(res, 500, { errorType: 'ServiceException', errorMessage: (err as Error).message });
    });
  });
  // The runtime long-polls /next; a waiting poll must not be cut off.
  server.requestTimeout = 0;
  server.keepAliveTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const { address, port } = server.address() as AddressInfo;

  function invoke(event: unknown, timeoutMs = defaultTimeoutMs): Promise<unknown> {
    if (failedInit) return Promise.reject(failedInit);
    return new Promise((resolve, reject) => {
      const id = randomUUID();
      const timer = setTimeout(() => {
        remove(queued, invocation);
        inFlight.delete(id);
        reject(new FunctionError('Sandbox.Timedout', `no answer within ${timeoutMs} ms`, 'invoke'));
      }, timeoutMs);
      const invocation: Invocation = {
        id,
        event,
        deadlineMs: Date.now() + timeoutMs,
        settle(outcome) {
          clearTimeout(timer);
          if ('error' in outcome) reject(outcome.error);
          else resolve(outcome.payload);
        },
      };
      const runtime = waitingRuntimes.shift();
      if (runtime) dispatch(runtime, invocation);
      else queued.push(invocation);
    });
  }

  return {
    address: `${address}:${port}`,
    invoke,
    handler: (event, context) => invoke(event, context.getRemainingTimeInMillis()),
    initError,
    get firstPollAt() {
      return firstPollAt;
    },
    get polls() {
      return polls;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
