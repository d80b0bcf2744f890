import { EVENT_KINDS, type EventKind, type LambdaHttpHandler, type LambdaHttpResult } from '@switchyard/lambda-contract/contract';
import { toLambdaEvent, type HttpRequest } from '@switchyard/lambda-local/events';
import { lambdaContext } from '@switchyard/lambda-local/gateway';
import { readLambdaResult } from '@switchyard/lambda-local/results';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app';
import { createLambdaHandler } from './lambda-handler';

let app: FastifyInstance;
let handler: LambdaHttpHandler<LambdaHttpResult>;

beforeAll(async () => {
  app = buildApp({ config: { logLevel: 'silent', bodyLimitBytes: 4096 }, compute: 'lambda' });
  // Shows what a route receives, to prove the adapter loses no header or query value.
  app.get('/echo', async (request) => ({ query: request.query, headers: request.headers }));
  handler = createLambdaHandler(app);
  await app.ready();
});
afterAll(() => app.close());

async function invoke(kind: EventKind, req: HttpRequest, eventOverrides: object = {}) {
  const result = await handler({ ...toLambdaEvent(kind, req), ...eventOverrides }, lambdaContext('test', 3000));
  return { result, response: readLambdaResult(result) };
}
const json = (body: Buffer) => JSON.parse(body.toString('utf8'));

describe.each(EVENT_KINDS)('%s events', (kind) => {
  test('are routed and answered with a result the trigger accepts', async () => {
    const { result, response } = await invoke(kind, { method: 'GET', path: '/hello', query: 'name=Ada' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toEqual(['application/json; charset=utf-8']);
    expect(json(response.body)).toEqual({ message: 'Hello, Ada', timestamp: expect.any(String) });
    if (kind.startsWith('alb')) expect(result.statusDescription).toBe('200 OK');
    if (kind === 'alb-multi-value') {
      expect(result.headers).toBeUndefined();
      expect(result.multiValueHeaders).toHaveProperty('content-type', ['application/json; charset=utf-8']);
    } else {
      expect(result.multiValueHeaders).toBeUndefined();
    }
  });

  test('decode the query the way the native server does ("+" is a space, UTF-8 percent-escapes)', async () => {
    const { response } = await invoke(kind, { method: 'GET', path: '/hello', query: 'name=J%C3%B6rg+M%26M' });
    expect(json(response.body).message).toBe('Hello, Jörg M&M');
  });

  test('keep every repeated query value (ALB single-value itself keeps only the last)', async () => {
    const { response } = await invoke(kind, { method: 'GET', path: '/echo', query: 'tag=a&tag=b%2Cc&tag=d&one=1' });
    const expected = kind === 'alb' ? 'd' : ['a', 'b,c', 'd'];
    expect(json(response.body).query).toEqual({ tag: expected, one: '1' });
  });

  test('keep every header, single- and multi-valued, and the cookies', async () => {
    const { response } = await invoke(kind, {
      method: 'GET',
      path: '/echo',
      headers: { host: 'api.example.com', 'x-forwarded-for': '198.51.100.7', 'x-custom': 'one', cookie: 'a=1; b=2', 'x-multi': ['1', '2'] },
    });
    const headers = json(response.body).headers;
    expect(headers).toMatchObject({ host: 'api.example.com', 'x-forwarded-for': '198.51.100.7', 'x-custom': 'one', cookie: 'a=1; b=2' });
    // As Node joins repeats for the native server; payload 2.0 arrives already joined with a bare comma.
    const expected = { alb: '2', 'alb-multi-value': '1, 2', 'api-gateway-v1': '1, 2', 'api-gateway-v2': '1,2', 'function-url': '1,2' };
    expect(headers['x-multi']).toBe(expected[kind]);
  });

  test('accept base64-encoded request bodies', async () => {
    const body = JSON.stringify({ email: 'ada@example.com' });
    const { response } = await invoke(
      kind,
      { method: 'POST', path: '/users', headers: { 'content-type': 'application/json' }, body },
      { body: Buffer.from(body).toString('base64'), isBase64Encoded: true },
    );
    expect(response.statusCode).toBe(201);
    expect(json(response.body)).toEqual({ id: expect.any(String), email: 'ada@example.com' });
  });

  test('answer a body over the limit with 413', async () => {
    const { response } = await invoke(kind, {
      method: 'POST',
      path: '/users',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'a'.repeat(5000) }),
    });
    expect(response.statusCode).toBe(413);
    expect(json(response.body).error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  test('carry the Lambda request id into the response', async () => {
    const context = lambdaContext('test', 3000);
    const result = await handler(toLambdaEvent(kind, { method: 'GET', path: '/health' }), context);
    expect(readLambdaResult(result).headers['x-request-id']).toEqual([context.awsRequestId]);
  });
});

describe('request ids', () => {
  const requestIdOf = (result: unknown) => readLambdaResult(result).headers['x-request-id'];

  test('invocations in flight together each carry their own Lambda request id', async () => {
    const contexts = Array.from({ length: 4 }, () => lambdaContext('test', 3000));
    // /work keeps each request open for a few milliseconds, so they overlap.
    const results = await Promise.all(
      contexts.map((context) => handler(toLambdaEvent('alb', { method: 'GET', path: '/work', query: 'ms=5' }), context)),
    );
    expect(results.map(requestIdOf)).toEqual(contexts.map((context) => [context.awsRequestId]));
  });

  test('the first invocation carries its request id even before the app has finished starting', async () => {
    const fresh = buildApp({ config: { logLevel: 'silent', bodyLimitBytes: 4096 }, compute: 'lambda' });
    try {
      const context = lambdaContext('test', 3000);
      expect(
        requestIdOf(await createLambdaHandler(fresh)(toLambdaEvent('api-gateway-v2', { method: 'GET', path: '/health' }), context)),
      ).toEqual([context.awsRequestId]);
    } finally {
      await fresh.close();
    }
  });

  test('without a Lambda request id, the ALB trace root is the id', async () => {
    const event = toLambdaEvent('alb', {
      method: 'GET',
      path: '/health',
      headers: { 'x-amzn-trace-id': 'Root=1-67891233-abcdef012345678912345678' },
    });
    expect(requestIdOf(await handler(event, { ...lambdaContext('test', 3000), awsRequestId: '' }))).toEqual([
      '1-67891233-abcdef012345678912345678',
    ]);
  });
});

test('API Gateway REST strips the stage when the path carries it', async () => {
  const result = await handler(
    toLambdaEvent('api-gateway-v1', { method: 'GET', path: '/goodbye' }, { stage: 'prod', stageInPath: true }),
    lambdaContext('t', 1000),
  );
  expect(json(readLambdaResult(result).body).message).toBe('Goodbye, World');
});

test('API Gateway REST header names keep their case and are still found', async () => {
  const event = toLambdaEvent('api-gateway-v1', { method: 'GET', path: '/echo' });
  const result = await handler(
    { ...event, headers: { 'X-Custom': 'Yes' }, multiValueHeaders: { 'X-Custom': ['Yes'] } },
    lambdaContext('t', 1000),
  );
  expect(json(readLambdaResult(result).body).headers['x-custom']).toBe('Yes');
});

describe('malformed events get a 400 JSON error, never an exception', () => {
  test.each([
    ['null', null, 'event must be an object, got null'],
    ['undefined', undefined, 'event must be an object, got undefined'],
    ['a string', 'GET /', 'event must be an object, got string'],
    ['an array', [], 'event must be an object, got object'],
    ['an empty object', {}, 'httpMethod'],
    ['a method only', { httpMethod: 'GET' }, 'path'],
    ['a relative path', { httpMethod: 'GET', path: 'hello' }, 'event.path'],
    ['an invalid method', { httpMethod: 'GE T', path: '/' }, 'event.httpMethod'],
    ['a method HTTP does not know', { httpMethod: 'X', path: '/' }, 'event.httpMethod'],
    ['a lowercase method', { httpMethod: 'get', path: '/' }, 'event.httpMethod'],
    ['headers as a string', { httpMethod: 'GET', path: '/', headers: 'host: x' }, 'event.headers'],
    ['a numeric body', { httpMethod: 'POST', path: '/users', body: 42 }, 'event.body'],
    [
      'multi-value headers not lists',
      { httpMethod: 'GET', path: '/', multiValueHeaders: { a: 'b' }, requestContext: { elb: {} } },
      'event.multiValueHeaders',
    ],
    ['a v2 event without requestContext', { version: '2.0', rawPath: '/' }, 'requestContext'],
    ['a v2 event without a method', { version: '2.0', rawPath: '/', requestContext: { http: {} } }, 'method'],
  ])('%s', async (_, event, problem) => {
    const result = await handler(event, lambdaContext('t', 1000));
    const response = readLambdaResult(result);
    expect(response.statusCode).toBe(400);
    expect(json(response.body)).toEqual({ error: { code: 'BAD_EVENT', message: expect.stringContaining(problem) } });
  });

  test.each([
    ['httpMethod', { httpMethod: [] }],
    ['path', { path: 42 }],
  ])('a stray %s on a 2.0 event is not what decides the request', async (_, stray) => {
    const event = toLambdaEvent('function-url', { method: 'GET', path: '/hello', query: 'name=Ada' });
    const response = readLambdaResult(await handler({ ...event, ...stray }, lambdaContext('t', 1000)));
    expect(response.statusCode).toBe(200);
    expect(json(response.body).message).toBe('Hello, Ada');
  });

  test('arbitrary values never make the handler throw or answer 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.anything(), fc.record({ httpMethod: fc.string(), path: fc.string(), headers: fc.anything(), body: fc.anything() })),
        async (event) => {
          const response = readLambdaResult(await handler(event, lambdaContext('t', 1000)));
          expect(response.statusCode).toBeGreaterThanOrEqual(200);
          expect(response.statusCode).toBeLessThan(500);
        },
      ),
      { numRuns: 300 },
    );
  });
});
