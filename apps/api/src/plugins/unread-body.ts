import { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/** How much of a refused body is read and thrown away before the connection is cut instead. */
export const UNREAD_BODY_LIMIT_BYTES = 4 * 1024 * 1024;
/** How long the rest of a refused body may take to arrive. */
export const UNREAD_BODY_TIMEOUT_MS = 5_000;

/** Resolves once the rest of the body has been read and discarded, or the connection is gone. */
function discardRest(incoming: IncomingMessage): Promise<void> {
  return new Promise((resolve) => {
    if (incoming.readableEnded || incoming.destroyed) return resolve();
    const cut = () => incoming.socket.destroy();
    const timer = setTimeout(cut, UNREAD_BODY_TIMEOUT_MS).unref();
    let discarded = 0;
    incoming.on('data', (chunk: Buffer) => {
      discarded += chunk.length;
      if (discarded > UNREAD_BODY_LIMIT_BYTES) cut();
    });
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    incoming.once('end', done);
    incoming.once('close', done);
  });
}

/**
 * Fastify refuses some bodies (too large, unsupported type) before reading them, answers, and
 * closes the connection. Closing a socket with unread data in it makes the kernel send a reset,
 * which can overtake the answer: the client, still writing, gets EPIPE or ECONNRESET instead of
 * the 413 (and an ALB in front sees a broken target). So the answer waits until the rest of the
 * body has been read and discarded; then the close is clean. The wait is bounded: past
 * UNREAD_BODY_LIMIT_BYTES or UNREAD_BODY_TIMEOUT_MS the connection is cut, unanswered.
 */
export const unreadBody = fp(
  async function unreadBody(app: FastifyInstance) {
    // A callback hook, not an async one: it runs for every response, and nearly always has nothing to do.
    app.addHook('onSend', (request, reply, _payload, done) => {
      // On a connection that stays open Node itself reads and discards the rest; only a closing one
      // (refused by Fastify, or asked by the client) leaves it unread. Light-my-request (inject,
      // and so Lambda) is no real socket and always holds the whole body.
      const unread =
        !request.raw.complete &&
        (!reply.raw.shouldKeepAlive || reply.getHeader('connection') === 'close') &&
        request.raw instanceof IncomingMessage;
      if (!unread) return done();
      void discardRest(request.raw).then(() => done());
    });
  },
  { name: 'unread-body' },
);
