import fc from 'fast-check';
import { EVENT_KINDS } from '@switchyard/lambda-contract/contract';
import { toLambdaEvent, type HttpRequest } from './events';
import { resultProblems } from './results';

/*
 * Lambda events for fuzzing the handler: well-formed ones of every trigger kind, near misses (one
 * field broken the way a misconfigured trigger or a hostile client breaks it) and plain garbage.
 * `pnpm test` runs a small sample (apps/api/test/fuzz.test.ts); `pnpm drill` runs at least 10,000.
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

const wellFormed = fc.tuple(fc.constantFrom(...EVENT_KINDS), httpRequestArbitrary).map(([kind, request]) => toLambdaEvent(kind, request));

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

/**
 * What no event may produce, however malformed: a result the trigger cannot use (it would answer
 * 502), or a server error. Empty when the handler coped.
 */
export function fuzzFindings(result: unknown): string[] {
  const problems = resultProblems(result);
  if (problems.length) return problems;
  // resultProblems has checked it is an integer status.
  const { statusCode } = result as { statusCode: number };
  return statusCode < 200 || statusCode >= 500 ? [`statusCode ${statusCode}: only a final 2xx or 4xx is expected for any event`] : [];
}
