import type { FastifyError, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { errorBody, HttpError } from '../http-error';

const CODE_BY_STATUS: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  406: 'NOT_ACCEPTABLE',
  408: 'REQUEST_TIMEOUT',
  413: 'PAYLOAD_TOO_LARGE',
  414: 'URI_TOO_LONG',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'TOO_MANY_REQUESTS',
  431: 'HEADERS_TOO_LARGE',
  503: 'SERVICE_UNAVAILABLE',
};

// Echoing a whole URL into an error could make a small request produce a huge body.
const MAX_ECHOED_URL = 200;

export function toErrorResponse(error: FastifyError | HttpError): { statusCode: number; body: ReturnType<typeof errorBody> } {
  if (error instanceof HttpError) return { statusCode: error.statusCode, body: errorBody(error.code, error.message) };
  if ('validation' in error && error.validation) {
    return { statusCode: 400, body: errorBody('VALIDATION_ERROR', error.message) };
  }
  if (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
    return { statusCode: 400, body: errorBody('INVALID_JSON', error.message) };
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    return { statusCode: status, body: errorBody(CODE_BY_STATUS[status] ?? 'CLIENT_ERROR', error.message) };
  }
  // Anything else is our fault: say so without leaking the message or stack.
  return { statusCode: 500, body: errorBody('INTERNAL_ERROR', 'Internal Server Error') };
}

/** Gives every error, including unknown routes, the `{ error: { code, message } }` envelope. */
export const errorEnvelope = fp(
  async function errorEnvelope(app: FastifyInstance) {
    app.setErrorHandler((error: FastifyError, request, reply) => {
      const { statusCode, body } = toErrorResponse(error);
      if (statusCode >= 500) request.log.error({ err: error }, 'request failed');
      return reply.code(statusCode).send(body);
    });

    app.setNotFoundHandler((request, reply) => {
      const url = request.url.length > MAX_ECHOED_URL ? `${request.url.slice(0, MAX_ECHOED_URL)}…` : request.url;
      return reply.code(404).send(errorBody('NOT_FOUND', `Route ${request.method} ${url} not found`));
    });
  },
  { name: 'error-envelope' },
);
