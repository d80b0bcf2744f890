import { Type } from 'typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import { lazySchemaCompilers } from './lazy-schema-compilers';

describe('lazySchemaCompilers', () => {
  let app: FastifyInstance;
  beforeEach(async () => {
    app = Fastify({ schemaController: { compilersFactory: lazySchemaCompilers() } });
    app.get(
      '/sum',
      {
        schema: {
          querystring: Type.Object({ a: Type.Integer(), b: Type.Integer({ maximum: 10 }) }),
          response: { 200: Type.Object({ sum: Type.Integer() }) },
        },
      },
      // The extra field shows the response schema is applied: the serializer drops it.
      async (request) => {
        const { a, b } = request.query as { a: number; b: number };
        return { sum: a + b, internal: 'not in the schema' };
      },
    );
    // A schema Ajv cannot compile: start-up no longer notices, only a request to this route does.
    app.get('/broken', { schema: { querystring: { $ref: 'missing#' } } }, async () => ({ ok: true }));
    await app.ready();
  });
  afterEach(() => app.close());

  it('validates with coercion and serializes through the response schema', async () => {
    const res = await app.inject({ method: 'GET', url: '/sum?a=2&b=3' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ sum: 5 });
  });

  it("reports Ajv's errors for each failed request, not only the first", async () => {
    const first = await app.inject({ method: 'GET', url: '/sum?a=2&b=11' });
    const second = await app.inject({ method: 'GET', url: '/sum?a=x&b=1' });
    expect([first.statusCode, second.statusCode]).toEqual([400, 400]);
    expect(first.json().message).toBe('querystring/b must be <= 10');
    expect(second.json().message).toBe('querystring/a must be integer');
    const valid = await app.inject({ method: 'GET', url: '/sum?a=1&b=1' });
    expect(valid.json()).toEqual({ sum: 2 });
  });

  it('compiles a schema when its route is first called, so start-up skips the routes it does not need', async () => {
    expect((await app.inject({ method: 'GET', url: '/sum?a=1&b=2' })).statusCode).toBe(200);
    const broken = await app.inject({ method: 'GET', url: '/broken' });
    expect(broken.statusCode).toBe(500);
  });
});
