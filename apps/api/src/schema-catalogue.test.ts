import { createRequire } from 'node:module';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { buildApp } from './app';
import { lazySchemaCompilers } from './lazy-schema-compilers';
import { schemaCatalogue, type SchemaCatalogue } from './schema-catalogue';

// The standalone code's requires, resolved as the build resolves them: from the compilers that made it.
const requireFrom = {
  validators: createRequire(require.resolve('@fastify/ajv-compiler')),
  serializers: createRequire(require.resolve('@fastify/fast-json-stringify-compiler')),
};

function load<T>(code: string, require: NodeJS.Require): T {
  const module = { exports: {} as T };
  new Function('module', 'exports', 'require', code)(module, module.exports, require);
  return module.exports;
}

// What differs between two answers to the same request whatever validates it.
const comparable = (body: string) =>
  body
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/g, '<time>')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>');

const json = (method: 'POST', url: string, payload: unknown, headers: Record<string, string> = {}): InjectOptions => ({
  method,
  url,
  payload: JSON.stringify(payload),
  headers: { 'content-type': 'application/json', ...headers },
});

// Each validator's edges: coercion, limits, missing and extra fields, every part of a request.
const REQUESTS: InjectOptions[] = [
  { method: 'GET', url: '/hello?name=Ada' },
  { method: 'GET', url: `/hello?name=${'x'.repeat(201)}` },
  { method: 'GET', url: '/hello?name=a&name=b' },
  { method: 'HEAD', url: '/goodbye?name=Ada' },
  { method: 'GET', url: '/uppercase?input=abc&locale=tr' },
  { method: 'GET', url: '/work?ms=5' },
  { method: 'GET', url: '/work?ms=abc' },
  { method: 'GET', url: '/work?ms=30001' },
  { method: 'GET', url: '/work' },
  json('POST', '/users', { email: 'ada@example.com' }),
  json('POST', '/users', { email: 5 }),
  json('POST', '/users', {}),
  json('POST', '/jobs', { kind: 'work', input: { ms: 1000 } }, { 'idempotency-key': 'k' }),
  json('POST', '/jobs', { kind: 'work', input: { ms: 1000 } }, { 'idempotency-key': '' }),
  json('POST', '/jobs', { kind: 'work', input: { ms: -1 } }),
  json('POST', '/jobs', { kind: 'transform-batch', input: { transform: 'uppercase', items: ['a'] }, extra: true }),
  { method: 'GET', url: '/jobs/abc' },
  { method: 'GET', url: `/jobs/${'x'.repeat(65)}` },
  { method: 'GET', url: '/jobs?status=nope' },
];

describe('the validators and serializers the build compiles ahead of time', () => {
  let catalogue: SchemaCatalogue;
  let precompiled: FastifyInstance;
  let compiledOnFirstUse: FastifyInstance;
  const used = { validators: new Set<string>(), serializers: new Set<string>() };
  beforeAll(async () => {
    catalogue = await schemaCatalogue();
    const from = (kind: keyof SchemaCatalogue) => {
      const byKey = new Map(catalogue[kind].map(({ key, code }) => [key, code]));
      return <T>(key: string) => {
        const code = byKey.get(key);
        return code === undefined ? undefined : () => (used[kind].add(key), load<T>(code, requireFrom[kind]));
      };
    };
    const config = { logLevel: 'silent' as const, bodyLimitBytes: 1024 };
    precompiled = buildApp({
      config,
      compute: 'lambda',
      schemaCompilers: lazySchemaCompilers({ validator: from('validators'), serializer: from('serializers') }),
    });
    compiledOnFirstUse = buildApp({ config, compute: 'lambda' });
    await Promise.all([precompiled.ready(), compiledOnFirstUse.ready()]);
  });
  afterAll(() => Promise.all([precompiled.close(), compiledOnFirstUse.close()]));

  test('cover every part of every route that has a schema, HEAD routes included', () => {
    const validators = catalogue.validators.map(({ key }) => key);
    const serializers = catalogue.serializers.map(({ key }) => key);
    expect(validators).toEqual(
      expect.arrayContaining([
        'GET /hello querystring',
        'HEAD /hello querystring',
        'POST /users body',
        'POST /jobs headers',
        'GET /jobs/:id params',
      ]),
    );
    expect(serializers).toEqual(
      expect.arrayContaining(['GET / 200 *', 'GET /hello 200 *', 'GET /hello 4xx *', 'POST /users 201 *', 'GET /ready 503 *']),
    );
    expect(new Set([...validators, ...serializers]).size).toBe(validators.length + serializers.length);
  });

  test.each(
    REQUESTS.map((request) => [`${request.method} ${request.url} ${String(request.payload ?? '')}`.slice(0, 90), request] as const),
  )('%s is answered as with a validator and serializer compiled at run time', async (_, request) => {
    const [ours, theirs] = await Promise.all([precompiled.inject(request), compiledOnFirstUse.inject(request)]);
    expect({ status: ours.statusCode, body: comparable(ours.body) }).toEqual({ status: theirs.statusCode, body: comparable(theirs.body) });
  });

  test('those answers came from the precompiled validators and serializers', () => {
    expect([...used.validators].sort()).toEqual(
      [
        'GET /hello querystring',
        'HEAD /goodbye querystring',
        'GET /uppercase querystring',
        'GET /work querystring',
        'POST /users body',
        'POST /jobs headers',
        'POST /jobs body',
        'GET /jobs/:id params',
        'GET /jobs querystring',
      ].sort(),
    );
    expect([...used.serializers]).toEqual(
      expect.arrayContaining(['GET /hello 200 *', 'GET /hello 4xx *', 'GET /work 200 *', 'POST /users 201 *', 'POST /jobs 5xx *']),
    );
  });
});
