import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { errorBody } from './http-error';

/*
 * Requests Node's HTTP parser rejects before any route sees them (a malformed request line, headers
 * over the 16 KiB limit, a request that arrives too slowly) get the same JSON envelope as every
 * other error, instead of Fastify's own shape, and the connection is closed.
 */
const CLIENT_ERRORS: Record<string, [status: number, code: string, message: string]> = {
  HPE_HEADER_OVERFLOW: [431, 'HEADERS_TOO_LARGE', 'The request line and headers exceed 16 KiB'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'REQUEST_TIMEOUT', 'The request took too long to arrive'],
};
const MALFORMED: [number, string, string] = [400, 'MALFORMED_REQUEST', 'The request is not valid HTTP/1.1'];

export function clientErrorResponse(errorCode: string | undefined): string {
  const [status, code, message] = CLIENT_ERRORS[errorCode ?? ''] ?? MALFORMED;
  const body = JSON.stringify(errorBody(code, message));
  return [
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}`,
    'Connection: close',
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ].join('\r\n');
}

export function clientErrorHandler(error: NodeJS.ErrnoException, socket: Socket): void {
  // Nothing to answer on a connection the client has already dropped.
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(clientErrorResponse(error.code));
}
