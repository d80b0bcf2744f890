import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { FASTIFY_RANGE } from './fastify-range';

/** Echoes the request id (see request-id.ts) so a caller can quote it when reporting a problem. */
export const requestIdHeader = fp(
  async function requestIdHeader(app: FastifyInstance) {
    app.addHook('onRequest', async (request, reply) => {
      reply.header('x-request-id', request.id);
    });
  },
  { name: 'request-id-header', fastify: FASTIFY_RANGE },
);
