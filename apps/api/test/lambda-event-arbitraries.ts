import { EVENT_SHAPES, toLambdaEvent, type HttpRequest } from '@switchyard/lambda-local/events';
import fc from 'fast-check';

/*
 * Lambda events for fuzzing the handler: well-formed ones of every trigger shape, near misses (one
 * field broken the way a misconfigured trigger or a hostile client breaks it) and plain garbage.
 * `pnpm test` runs a small sample; `pnpm drill` runs at least 10,000.
 */

const PATHS = ['/', '/hello', '/goodbye', '/uppercase', '/lowercase', '/capitalize', '/users', '/work', '/health', '/ready', '/nope'];
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH'];

const queryPart = fc.oneof(
  fc.constantFrom('name=Ada', 'input=hello', 'locale=tr', 'ms=0', 'ms=5', 'name=%F0%9F%9A%80', 'a=1&a=2'),
  fc.string({ maxLength: 30 }),
  // Invalid percent-encoding.
  fc.constantFrom('name=%E0%A4%A', 'name=%', 'input=%zz', '%=%'),
);

const body = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom('{"email":"ada@example.com"}', '{"email":', '[]', '{}', 'null'),
  fc.json({ maxDepth: 2 }),
  fc.string({ maxLength: 200 }),
);

export const httpRequestArbitrary: fc.Arbitrary<HttpRequest> = fc.record({
  method: fc.constantFrom(...METHODS),
  path: fc.oneof(fc.constantFrom(...PATHS), fc.webPath()),
  query: fc.option(queryPart, { nil: undefined }),
  headers: fc.oneof(
    fc.constant({ 'content-type': 'application/json' }),
    fc.dictionary(fc.constantFrom('content-type', 'accept', 'x-request-id', 'cookie', 'x-forwarded-for'), fc.string({ maxLength: 40 }), {
      maxKeys: 4,
    }),
  ),
  body,
});

const wellFormed = fc
  .tuple(fc.constantFrom(...EVENT_SHAPES), httpRequestArbitrary)
  .map(([shape, request]) => toLambdaEvent(shape, request));

/** One field of a real event replaced by something it should never be. */
const breakage = fc.oneof(
  fc.record({
    field: fc.constantFrom(
      'httpMethod',
      'path',
      'rawPath',
      'headers',
      'multiValueHeaders',
      'queryStringParameters',
      'body',
      'requestContext',
      'isBase64Encoded',
      'cookies',
      'version',
    ),
    value: fc.anything(),
  }),
  fc.record({
    field: fc.constantFrom('httpMethod', 'path', 'rawPath', 'body', 'requestContext', 'headers'),
    value: fc.constant(undefined),
  }),
);

const nearMiss = fc.tuple(wellFormed, breakage).map(([event, { field, value }]) => {
  const copy: Record<string, unknown> = { ...(event as unknown as Record<string, unknown>) };
  if (value === undefined) delete copy[field];
  else copy[field] = value;
  return copy;
});

const hostile = fc
  .tuple(wellFormed, fc.constantFrom('huge-header', 'many-headers', 'bad-base64', 'bad-percent', 'huge-body'))
  .map(([event, kind]) => {
    const copy = { ...(event as unknown as Record<string, unknown>) };
    const headers = { ...((copy.headers as Record<string, string> | undefined) ?? {}) };
    if (kind === 'huge-header') copy.headers = { ...headers, 'x-huge': 'h'.repeat(64 * 1024) };
    if (kind === 'many-headers')
      copy.headers = { ...headers, ...Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`x-h${i}`, String(i)])) };
    if (kind === 'bad-base64')
      Object.assign(copy, { isBase64Encoded: true, body: '@@not base64!!', headers: { ...headers, 'content-type': 'application/json' } });
    if (kind === 'bad-percent') Object.assign(copy, { path: '/hello/%E0%A4%A', rawPath: '/hello/%E0%A4%A', rawQueryString: 'name=%' });
    if (kind === 'huge-body')
      Object.assign(copy, { body: 'x'.repeat(1024 * 1024), headers: { ...headers, 'content-type': 'application/json' } });
    return copy;
  });

/** Anything at all: what arrives when the function is wired to the wrong trigger, or invoked by hand. */
const garbage = fc.oneof(
  fc.anything(),
  fc.record({ httpMethod: fc.string(), path: fc.string(), headers: fc.anything(), body: fc.anything() }),
);

export const lambdaEventArbitrary: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: wellFormed, weight: 4 },
  { arbitrary: nearMiss, weight: 3 },
  { arbitrary: hostile, weight: 1 },
  { arbitrary: garbage, weight: 2 },
);

/** What a load balancer or API Gateway can turn into an HTTP response; empty when the result is well-formed. */
export function resultProblems(result: unknown): string[] {
  if (typeof result !== 'object' || result === null) return [`result is ${typeof result}, not an object`];
  const { statusCode, body, isBase64Encoded, headers, multiValueHeaders } = result as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof statusCode !== 'number' || !Number.isInteger(statusCode)) problems.push(`statusCode ${String(statusCode)} is not an integer`);
  else if (statusCode >= 500) problems.push(`statusCode ${statusCode}: only 2xx and 4xx are expected for any event`);
  else if (statusCode < 200) problems.push(`statusCode ${statusCode} is not a final status`);
  if (typeof body !== 'string') problems.push('body is not a string');
  if (typeof isBase64Encoded !== 'boolean') problems.push('isBase64Encoded is not a boolean');
  if (headers !== undefined && (typeof headers !== 'object' || Object.values(headers as object).some((v) => typeof v !== 'string')))
    problems.push('headers are not all strings');
  if (multiValueHeaders !== undefined && Object.values(multiValueHeaders as object).some((v) => !Array.isArray(v)))
    problems.push('multiValueHeaders are not all lists');
  return problems;
}
