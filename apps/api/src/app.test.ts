import type { FastifyInstance } from 'fastify';
import { buildApp } from './app';

const config = { logLevel: 'silent' as const, bodyLimitBytes: 1024 };
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('buildApp', () => {
  let app: FastifyInstance;
  beforeEach(async () => {
    app = buildApp({ config, compute: 'fargate' });
    // A route that fails the way a bug would, to see what the client gets.
    app.get('/boom', async () => {
      throw new Error('secret database password in message');
    });
    await app.ready();
  });
  afterEach(() => app.close());

  test.each([
    ['GET', '/', 200, { message: 'Hello from fargate', compute: 'fargate' }],
    ['GET', '/uppercase', 200, { result: 'DEFAULT' }],
    ['GET', '/uppercase?input=abc', 200, { result: 'ABC' }],
    ['GET', '/lowercase?input=AbC', 200, { result: 'abc' }],
    ['GET', '/capitalize?input=hello%20world', 200, { result: 'Hello world' }],
    ['GET', '/uppercase?input=i&locale=tr', 200, { result: 'İ' }],
    ['GET', '/uppercase?locale=not_a_locale', 400, { error: { code: 'INVALID_LOCALE', message: expect.stringContaining('BCP 47') } }],
    ['GET', '/work?ms=0', 200, { sleptMs: 0 }],
    ['GET', '/work?ms=30001', 400, { error: { code: 'VALIDATION_ERROR', message: 'querystring/ms must be <= 30000' } }],
    ['GET', '/work?ms=-1', 400, { error: { code: 'VALIDATION_ERROR', message: 'querystring/ms must be >= 0' } }],
    ['GET', '/work?ms=abc', 400, { error: { code: 'VALIDATION_ERROR', message: 'querystring/ms must be integer' } }],
    ['GET', '/work', 400, { error: { code: 'VALIDATION_ERROR', message: "querystring must have required property 'ms'" } }],
    ['GET', '/health', 200, { status: 'ok' }],
    ['GET', '/ready', 200, { status: 'ready' }],
    ['GET', '/nope', 404, { error: { code: 'NOT_FOUND', message: 'Route GET /nope not found' } }],
    ['DELETE', '/hello', 404, { error: { code: 'NOT_FOUND', message: 'Route DELETE /hello not found' } }],
  ])('%s %s → %i', async (method, url, status, body) => {
    const res = await app.inject({ method: method as 'GET', url });
    expect(res.statusCode).toBe(status);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.json()).toEqual(body);
  });

  test.each([
    ['/hello', 'Hello, World'],
    ['/hello?name=Ada', 'Hello, Ada'],
    ['/goodbye?name=Ada', 'Goodbye, Ada'],
    ['/goodbye', 'Goodbye, World'],
  ])('GET %s greets with a UTC timestamp', async (url, message) => {
    const res = await app.inject(url);
    expect(res.json()).toEqual({ message, timestamp: expect.stringMatching(ISO_UTC) });
  });

  describe('POST /users', () => {
    const post = (payload: string, contentType = 'application/json') =>
      app.inject({ method: 'POST', url: '/users', payload, headers: { 'content-type': contentType } });

    test('creates a user', async () => {
      const res = await post('{"email":"ada@example.com"}');
      expect(res.statusCode).toBe(201);
      expect(res.json()).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), email: 'ada@example.com' });
    });

    test.each([
      ['{"email":"nope"}', 400, 'EMAIL_INVALID'],
      ['{"email":""}', 400, 'EMAIL_REQUIRED'],
      ['{}', 400, 'VALIDATION_ERROR'],
      ['[]', 400, 'VALIDATION_ERROR'],
      ['{"email":', 400, 'INVALID_JSON'],
      ['', 400, 'INVALID_JSON'],
    ])('%j → %i %s', async (payload, status, code) => {
      const res = await post(payload);
      expect(res.statusCode).toBe(status);
      expect(res.json()).toEqual({ error: { code, message: expect.any(String) } });
    });

    test('plain text is read as a string, which is not a user object → 400', async () => {
      const res = await post('email=ada@example.com', 'text/plain');
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({ error: { code: 'VALIDATION_ERROR', message: 'body must be object' } });
    });

    test('a content type no parser reads → 415', async () => {
      const res = await post('<email>ada@example.com</email>', 'application/xml');
      expect(res.statusCode).toBe(415);
      expect(res.json()).toEqual({ error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: expect.any(String) } });
    });

    test('a body over the limit → 413', async () => {
      const res = await post(JSON.stringify({ email: 'a'.repeat(2000) + '@example.com' }));
      expect(res.statusCode).toBe(413);
      expect(res.json()).toEqual({ error: { code: 'PAYLOAD_TOO_LARGE', message: expect.any(String) } });
    });
  });

  test('an unexpected error is a 500 envelope with no message or stack leaked', async () => {
    const res = await app.inject('/boom');
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ error: { code: 'INTERNAL_ERROR', message: 'Internal Server Error' } });
    expect(res.body).not.toMatch(/secret|stack|at /);
  });

  test('the request id comes from the ALB trace header, else is generated, and is echoed', async () => {
    const traced = await app.inject({
      url: '/health',
      headers: { 'x-amzn-trace-id': 'Root=1-67891233-abcdef012345678912345678;Sampled=1' },
    });
    expect(traced.headers['x-request-id']).toBe('1-67891233-abcdef012345678912345678');
    const plain = await app.inject('/health');
    expect(plain.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('serves an OpenAPI document listing every route', async () => {
    const res = await app.inject('/openapi.json');
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual(
      [
        '/',
        '/capitalize',
        '/goodbye',
        '/health',
        '/hello',
        '/jobs',
        '/jobs/{id}',
        '/lowercase',
        '/ready',
        '/uppercase',
        '/users',
        '/work',
      ].sort(),
    );
    expect(doc.paths['/users'].post.requestBody.content['application/json'].schema.required).toEqual(['email']);
    // Made once, by a twin of the app that registers @fastify/swagger, and served the same after.
    expect((await app.inject('/openapi.json')).body).toBe(res.body);
    expect(app.hasPlugin('@fastify/swagger')).toBe(false);
  });

  test('while draining: /ready and other requests get the same 503 DRAINING, /health stays 200, every connection closes', async () => {
    app.drain.start();
    const draining = { error: { code: 'DRAINING', message: 'The server is shutting down; retry the request' } };
    for (const url of ['/ready', '/hello', '/nope']) {
      const res = await app.inject(url);
      expect({ url, status: res.statusCode, body: res.json(), retryAfter: res.headers['retry-after'] }).toEqual({
        url,
        status: 503,
        body: draining,
        retryAfter: '1',
      });
      expect(res.headers.connection).toBe('close');
    }
    const health = await app.inject('/health');
    expect(health.statusCode).toBe(200);
    expect(health.headers.connection).toBe('close');
  });
});

test('GET / reports the compute the entrypoint chose', async () => {
  const app = buildApp({ config, compute: 'lambda' });
  const res = await app.inject('/');
  expect(res.json()).toEqual({ message: 'Hello from lambda', compute: 'lambda' });
  await app.close();
});
