import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Context } from 'aws-lambda';
import type { EventKind, LambdaHttpHandler } from '@switchyard/lambda-contract/contract';
import { toLambdaEvent, type HttpRequest } from './events';
import { readLambdaResult } from './results';

export interface GatewayOptions {
  /** Which trigger the gateway imitates. @default 'alb-multi-value' */
  kind?: EventKind;
  /** Function name reported in the context. @default 'switchyard-local' */
  functionName?: string;
  /** Invocation timeout reported by getRemainingTimeInMillis. @default 30000 */
  timeoutMs?: number;
}

/** ALB rejects Lambda request bodies over 1 MB before invoking the function. */
export const MAX_EVENT_BODY_BYTES = 1_000_000;

export function lambdaContext(functionName: string, timeoutMs: number): Context {
  const deadline = Date.now() + timeoutMs;
  const awsRequestId = randomUUID();
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/${awsRequestId}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

async function readRequest(req: IncomingMessage): Promise<HttpRequest | 'too-large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_EVENT_BODY_BYTES) return 'too-large';
    chunks.push(chunk as Buffer);
  }
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return {
    method: req.method ?? 'GET',
    path: q === -1 ? url : url.slice(0, q),
    ...(q === -1 ? {} : { query: url.slice(q + 1) }),
    headers: req.headersDistinct as Record<string, string[]>,
    ...(chunks.length ? { body: Buffer.concat(chunks) } : {}),
  };
}

function sendJsonError(res: ServerResponse, status: number, code: string, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify({ error: { code, message } }));
}

/**
 * An HTTP server that does what a load balancer in front of a Lambda function does: turns each
 * request into an event, invokes the handler and writes its result back. For local runs and tests.
 */
export function createLambdaGateway(handler: LambdaHttpHandler, options: GatewayOptions = {}): Server {
  const kind = options.kind ?? 'alb-multi-value';
  const functionName = options.functionName ?? 'switchyard-local';
  const timeoutMs = options.timeoutMs ?? 30_000;
  return createServer((req, res) => {
    void (async () => {
      const request = await readRequest(req);
      if (request === 'too-large') return sendJsonError(res, 413, 'PAYLOAD_TOO_LARGE', 'Lambda request bodies are limited to 1 MB');
      let response;
      try {
        response = readLambdaResult(await handler(toLambdaEvent(kind, request), lambdaContext(functionName, timeoutMs)));
      } catch (err) {
        // A load balancer answers 502 when the function throws or returns something it cannot read.
        return sendJsonError(res, 502, 'BAD_GATEWAY', `Lambda handler failed: ${(err as Error).message}`);
      }
      for (const [name, values] of Object.entries(response.headers)) {
        if (name !== 'content-length' && name !== 'transfer-encoding') res.setHeader(name, values);
      }
      res.writeHead(response.statusCode);
      res.end(response.body);
    })().catch((err: unknown) => {
      if (!res.headersSent) sendJsonError(res, 500, 'GATEWAY_ERROR', (err as Error).message);
      else res.destroy();
    });
  });
}
