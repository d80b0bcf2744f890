import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { errorBody } from '../http-error';
import { FASTIFY_RANGE } from './fastify-range';

declare module 'fastify' {
  interface FastifyInstance {
    drain: { readonly draining: boolean; start(): void };
  }
}

/** Probes keep answering during a drain: liveness stays 200, readiness reports the drain itself. */
const ALWAYS_SERVED = new Set(['/health', '/ready']);

/**
 * Graceful drain. Once started, /ready and new requests answer 503 (our envelope, unlike Fastify's
 * built-in return503OnClosing body), and every response closes its connection so keep-alive
 * sockets do not hold the shutdown open. Requests already in flight are untouched.
 */
export const drain = fp(
  async function drain(app: FastifyInstance) {
    let draining = false;
    app.decorate('drain', {
      get draining() {
        return draining;
      },
      start() {
        draining = true;
      },
    });

    app.addHook('onRequest', async (request, reply) => {
      if (!draining || ALWAYS_SERVED.has(request.routeOptions.url ?? '')) return;
      await reply
        .code(503)
        .header('connection', 'close')
        .header('retry-after', '1')
        .send(errorBody('SERVICE_UNAVAILABLE', 'The server is shutting down; retry the request'));
    });

    app.addHook('onSend', async (_request, reply) => {
      if (draining) reply.header('connection', 'close');
    });
  },
  { name: 'drain', fastify: FASTIFY_RANGE },
);
