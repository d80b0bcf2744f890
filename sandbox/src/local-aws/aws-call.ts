import type { IncomingHttpHeaders } from 'node:http';

/**
 * One AWS API call as it arrives on the wire, named the way AWS names it: the service from the
 * SigV4 credential scope, the action from the protocol (the X-Amz-Target header of the JSON
 * protocols, the Action field of the query protocol, the method and path of REST services).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv.html
 */
export interface AwsCall {
  /** The signing name: ecs, lambda, elasticloadbalancing, application-autoscaling, ... */
  readonly service: string;
  /** ListTagsForResource, CreateTaskSet, ...; for REST services, "<METHOD> <path>". */
  readonly action: string;
  readonly method: string;
  /** Path and query, as sent. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** An answer, from moto or from a patch. */
export interface AwsReply {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

const SCOPE = /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/;

export function describeCall(method: string, url: string, headers: IncomingHttpHeaders, body: Buffer): AwsCall {
  const service = SCOPE.exec(String(headers.authorization ?? ''))?.[1] ?? 'unknown';
  const target = headers['x-amz-target'];
  let action: string;
  if (typeof target === 'string') action = target.slice(target.lastIndexOf('.') + 1);
  else if (String(headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded'))
    action = new URLSearchParams(body.toString('utf8')).get('Action') ?? `${method} ${url}`;
  else action = `${method} ${url.split('?')[0]}`;
  return { service, action, method, url, headers, body };
}

/** The call's JSON body (JSON protocols and Lambda); `{}` when it has none. */
export function jsonBody<T = Record<string, unknown>>(call: AwsCall | AwsReply): T {
  const text = call.body.toString('utf8');
  return (text ? JSON.parse(text) : {}) as T;
}

/** A JSON answer, in the JSON protocols' shape. */
export function jsonReply(status: number, value: unknown, contentType = 'application/x-amz-json-1.1'): AwsReply {
  return { status, headers: { 'content-type': contentType }, body: Buffer.from(JSON.stringify(value)) };
}

/** An error as the SDKs read one in the JSON protocols: the type in a header and in the body. */
export function jsonError(status: number, type: string, message: string): AwsReply {
  return {
    status,
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': type },
    body: Buffer.from(JSON.stringify({ __type: type, message })),
  };
}

/** `reply` with its JSON body replaced by `edit(body)`. */
export function withJson<T>(reply: AwsReply, edit: (body: T) => T | void): AwsReply {
  if (reply.status >= 300 || !reply.body.length) return reply;
  const body = jsonBody<T>(reply);
  const edited = edit(body) ?? body;
  return { ...reply, body: Buffer.from(JSON.stringify(edited)) };
}

/** The call with a new JSON body (the request moto should see). */
export function withRequestJson(call: AwsCall, value: unknown): AwsCall {
  return { ...call, body: Buffer.from(JSON.stringify(value)) };
}

/**
 * Another action of the same service, signed as `call` was (moto does not check signatures): for a
 * patch that must ask moto something first. JSON protocols only (the action is in X-Amz-Target).
 */
export function sameServiceCall(call: AwsCall, action: string, body: unknown): AwsCall {
  const target = String(call.headers['x-amz-target'] ?? '');
  return {
    ...call,
    action,
    headers: { ...call.headers, 'x-amz-target': `${target.slice(0, target.lastIndexOf('.'))}.${action}` },
    body: Buffer.from(JSON.stringify(body)),
  };
}
