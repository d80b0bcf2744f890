import { payloadVersion, type EventKind } from '@switchyard/lambda-contract/contract';
import { METHODS } from 'node:http';
import type { Validator } from 'typebox/compile';
import { Type, type TSchema } from 'typebox';

/*
 * What a Lambda HTTP event must hold before the adapter may see it. @fastify/aws-lambda throws
 * synchronously on null and on several malformed fields; checking first gives a clear 400 instead.
 */
// The methods Node's HTTP parser accepts, so the Lambda side refuses what the native server refuses
// (light-my-request throws on anything else).
const METHOD = new RegExp(`^(?:${METHODS.join('|')})$`);
const MAX_PATH_LENGTH = 8192;
const Method = Type.String({ pattern: METHOD.source });
const Path = Type.String({ pattern: '^/', maxLength: MAX_PATH_LENGTH });
const Optional = <T extends Parameters<typeof Type.Optional>[0]>(schema: T) => Type.Optional(Type.Union([schema, Type.Null()]));
const Strings = Type.Record(Type.String(), Type.String());
const StringLists = Type.Record(Type.String(), Type.Array(Type.String()));
const Body = { body: Optional(Type.String()), isBase64Encoded: Type.Optional(Type.Boolean()) };

// API Gateway REST (payload 1.0) and ALB target events.
const PayloadV1 = Type.Object({
  httpMethod: Method,
  path: Path,
  headers: Optional(Strings),
  multiValueHeaders: Optional(StringLists),
  queryStringParameters: Optional(Strings),
  multiValueQueryStringParameters: Optional(StringLists),
  requestContext: Type.Optional(Type.Object({})),
  ...Body,
});

// API Gateway HTTP API (payload 2.0) and function URL events.
const PayloadV2 = Type.Object({
  version: Type.Literal('2.0'),
  rawPath: Path,
  rawQueryString: Type.Optional(Type.String()),
  cookies: Type.Optional(Type.Array(Type.String())),
  headers: Optional(Strings),
  requestContext: Type.Object({ http: Type.Object({ method: Method }) }),
  ...Body,
});

/*
 * TypeBox's checker decides about an event the plain check below cannot vouch for, and says what is
 * wrong with it. It is loaded and compiled then, not at start: loading it (its format registry
 * builds dozens of Unicode regular expressions) and compiling a validator was a sixth of what the
 * bundle added to a Lambda cold start, for an event that is almost always well formed.
 */
function compiledOnFirstUse(schema: TSchema): () => Validator {
  let compiled: Validator | undefined;
  return () =>
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    (compiled ??= (require('./typebox-checker') as typeof import('./typebox-checker')).Compile(schema));
}
const checkV1 = compiledOnFirstUse(PayloadV1);
const checkV2 = compiledOnFirstUse(PayloadV2);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

const isMethod = (value: unknown) => typeof value === 'string' && METHOD.test(value);
// At most Path's maxLength code units, so at most that many code points.
const isPath = (value: unknown) => typeof value === 'string' && value.startsWith('/') && value.length <= MAX_PATH_LENGTH;
const isStringList = (value: unknown) => Array.isArray(value) && value.every((item) => typeof item === 'string');
const absentOr = (value: unknown, test: (value: unknown) => boolean) => value === undefined || test(value);
const absentNullOr = (value: unknown, test: (value: unknown) => boolean) => value === undefined || value === null || test(value);
const recordOf = (test: (value: unknown) => boolean) => (value: unknown) =>
  isPlainObject(value) &&
  Object.getOwnPropertySymbols(value).length === 0 &&
  Object.getOwnPropertyNames(value).every((key) => test(value[key]));
const isStrings = recordOf((value) => typeof value === 'string');
const isStringLists = recordOf(isStringList);
const hasBody = (event: Record<string, unknown>) =>
  absentNullOr(event.body, (body) => typeof body === 'string') && absentOr(event.isBase64Encoded, (flag) => typeof flag === 'boolean');

/**
 * True only for events the payload's schema certainly accepts: plain JSON objects, as Lambda
 * delivers them, holding exactly the kinds of values the schema allows. False says nothing: the
 * schema then decides. (The tests hold it to never vouching for an event the schema refuses.)
 */
export function plainlyWellFormed(event: Record<string, unknown>, isV2: boolean): boolean {
  if (!isPlainObject(event) || !hasBody(event) || !absentNullOr(event.headers, isStrings)) return false;
  if (isV2) {
    const context = event.requestContext;
    return (
      event.version === '2.0' &&
      isPath(event.rawPath) &&
      absentOr(event.rawQueryString, (query) => typeof query === 'string') &&
      absentOr(event.cookies, isStringList) &&
      isPlainObject(context) &&
      isPlainObject(context.http) &&
      isMethod(context.http.method)
    );
  }
  return (
    isMethod(event.httpMethod) &&
    isPath(event.path) &&
    absentNullOr(event.multiValueHeaders, isStringLists) &&
    absentNullOr(event.queryStringParameters, isStrings) &&
    absentNullOr(event.multiValueQueryStringParameters, isStringLists) &&
    absentOr(event.requestContext, isPlainObject)
  );
}

/** Any of the contract's events, loosely typed: the fields @fastify/aws-lambda reads, all optional. */
export interface AdapterEvent {
  httpMethod?: string;
  path?: string;
  rawPath?: string;
  rawQueryString?: string;
  version?: string;
  cookies?: string[] | undefined;
  headers?: Record<string, string> | null;
  multiValueHeaders?: Record<string, string[]> | null;
  queryStringParameters?: Record<string, string> | null;
  multiValueQueryStringParameters?: Record<string, string[]> | null;
  requestContext?: { elb?: unknown; http?: { method: string }; domainName?: string };
  body?: string | null;
  isBase64Encoded?: boolean;
}

export type CheckedEvent = { ok: true; kind: EventKind; event: AdapterEvent } | { ok: false; problem: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What the payload's schema finds wrong with the event, if anything. */
export function schemaProblem(event: Record<string, unknown>): string | undefined {
  const validator = event.version === '2.0' ? checkV2() : checkV1();
  if (validator.Check(event)) return undefined;
  const [error] = validator.Errors(event);
  return error ? `event${error.instancePath.replaceAll('/', '.')} ${error.message}` : 'event is not a Lambda HTTP event';
}

/** Says what kind of HTTP event this is, or what is wrong with it. */
export function checkEvent(event: unknown): CheckedEvent {
  if (!isRecord(event)) return { ok: false, problem: `event must be an object, got ${event === null ? 'null' : typeof event}` };
  const isV2 = event.version === '2.0';
  const problem = plainlyWellFormed(event, isV2) ? undefined : schemaProblem(event);
  if (problem) return { ok: false, problem };
  const checked = event as AdapterEvent;
  if (isV2) {
    // Function URLs and HTTP APIs send the same payload; only the domain tells them apart.
    const domain: unknown = checked.requestContext?.domainName;
    return {
      ok: true,
      kind: typeof domain === 'string' && domain.includes('.lambda-url.') ? 'function-url' : 'api-gateway-v2',
      event: checked,
    };
  }
  if (!isRecord(checked.requestContext) || !('elb' in checked.requestContext)) return { ok: true, kind: 'api-gateway-v1', event: checked };
  // ALB sends multiValueHeaders only when the target group has multi-value headers on.
  return { ok: true, kind: checked.multiValueHeaders ? 'alb-multi-value' : 'alb', event: checked };
}

function joinQuery(pairs: Array<[string, string]>): string {
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

function listPairs(lists: Record<string, string[]>): Array<[string, string]> {
  return Object.entries(lists).flatMap(([k, values]) => values.map((v): [string, string] => [k, v]));
}

function rawQueryOf(kind: EventKind, event: AdapterEvent): string {
  switch (kind) {
    case 'api-gateway-v2':
    case 'function-url':
      return event.rawQueryString ?? '';
    case 'alb':
    case 'alb-multi-value':
      // ALB passes keys and values still percent-encoded.
      return event.multiValueQueryStringParameters
        ? joinQuery(listPairs(event.multiValueQueryStringParameters))
        : joinQuery(Object.entries(event.queryStringParameters ?? {}));
    case 'api-gateway-v1': {
      // API Gateway REST has already decoded them; encode again so they survive the trip.
      const pairs = event.multiValueQueryStringParameters
        ? listPairs(event.multiValueQueryStringParameters)
        : Object.entries(event.queryStringParameters ?? {});
      return joinQuery(pairs.map(([k, v]) => [encodeURIComponent(k), encodeURIComponent(v)]));
    }
  }
}

/** Repeated headers, joined the way Node's HTTP parser joins them for a native server. */
function joinHeaderLists(lists: Record<string, string[]>): Record<string, string> {
  const joined: Record<string, string> = {};
  for (const [name, values] of Object.entries(lists)) {
    if (values.length) joined[name.toLowerCase()] = values.join(name.toLowerCase() === 'cookie' ? '; ' : ', ');
  }
  return joined;
}

/**
 * Rewrites an event so @fastify/aws-lambda hands Fastify the raw query string, parsed by the same
 * parser as on Fargate. Left to itself the adapter splits v2 values on commas, does not turn "+"
 * into a space for ALB, throws on malformed percent-encoding, and (without albMultiValueHeaders)
 * drops every single-valued header of a multi-value ALB event. Headers are joined as Node joins them.
 */
export function toAdapterEvent(kind: EventKind, event: AdapterEvent): AdapterEvent {
  const query = rawQueryOf(kind, event);
  const isV2 = payloadVersion(kind) === '2.0';
  const path = (isV2 ? event.rawPath : event.path) ?? '/';
  const url = query ? `${path}?${query}` : path;
  // Only the fields checked for this payload version go on: the adapter prefers httpMethod and path
  // over their 2.0 counterparts, so a stray unchecked one would otherwise decide the request.
  const { body, isBase64Encoded, headers, requestContext } = event;
  const normalized: AdapterEvent = isV2
    ? {
        version: '2.0',
        rawPath: url,
        rawQueryString: event.rawQueryString,
        cookies: event.cookies,
        headers,
        requestContext,
        body,
        isBase64Encoded,
      }
    : {
        httpMethod: event.httpMethod,
        path: url,
        headers,
        multiValueHeaders: event.multiValueHeaders,
        requestContext,
        body,
        isBase64Encoded,
      };
  if (isV2) {
    if (event.cookies?.length) normalized.headers = { ...event.headers, cookie: event.cookies.join('; ') };
    normalized.cookies = undefined;
  } else if (event.multiValueHeaders) {
    normalized.headers = joinHeaderLists(event.multiValueHeaders);
    normalized.multiValueHeaders = null;
  }
  return normalized;
}
