import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { errorBody } from '../http-error';

declare module 'fastify' {
  interface FastifyInstance {
    drain: { readonly draining: boolean; start(): void };
  }
}

/** Liveness keeps answering 200 during a drain: the process is alive, and killing it would cut requests in flight. */
const ALWAYS_SERVED = '/health';

/**
 * Graceful drain. Once started, /ready and every new request answer the same 503, `DRAINING`, in
 * our envelope (unlike Fastify's built-in return503OnClosing body), and every response closes its
 * connection so keep-alive sockets do not hold the shutdown open. Requests already in flight are
 * untouched.
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

    // Callback-style hooks: an async hook costs a promise and a microtask on every request.
    app.addHook('onRequest', (request, reply, done) => {
      if (!draining || request.routeOptions.url === ALWAYS_SERVED) return done();
      // Answered here: Fastify runs nothing further for this request, and done() is not called.
      void reply
        .code(503)
        .header('connection', 'close')
        .header('retry-after', '1')
        .send(errorBody('DRAINING', 'The server is shutting down; retry the request'));
    });

    app.addHook('onSend', (_request, reply, _payload, done) => {
      if (draining) reply.header('connection', 'close');
      done();
    });
  },
  { name: 'drain' },
);
