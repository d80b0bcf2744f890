import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/** Echoes the request id (see request-id.ts) so a caller can quote it when reporting a problem. */
export const requestIdHeader = fp(
  async function requestIdHeader(app: FastifyInstance) {
    // Callback style: an async hook costs a promise and a microtask on every request.
    app.addHook('onRequest', (request, reply, done) => {
      reply.header('x-request-id', request.id);
      done();
    });
  },
  { name: 'request-id-header' },
);
