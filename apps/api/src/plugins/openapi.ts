import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { FASTIFY_RANGE } from './fastify-range';

/** Collects every route schema into an OpenAPI 3 document served at GET /openapi.json. */
export const openapi = fp(
  async function openapi(app: FastifyInstance) {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'switchyard API',
          description: 'The same service on AWS Lambda and on ECS Fargate, behind one URL.',
          version: '1.0.0',
        },
      },
    });
    app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  },
  { name: 'openapi', fastify: FASTIFY_RANGE },
);
