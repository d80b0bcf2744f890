import { request } from 'node:http';
import { send } from '@switchyard/lambda-local/http-client';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../app';
import { UNREAD_BODY_LIMIT_BYTES } from './unread-body';

const BODY_LIMIT = 64 * 1024;

describe('refused bodies on a real socket', () => {
  let app: FastifyInstance;
  let port: number;
  beforeAll(async () => {
    app = buildApp({ config: { logLevel: 'silent', bodyLimitBytes: BODY_LIMIT }, compute: 'fargate' });
    await app.listen({ host: '127.0.0.1', port: 0 });
    port = (app.server.address() as AddressInfo).port;
  });
  afterAll(() => app.close());

  test('a refused body that does not stop is cut off after a bounded amount, and the server goes on', async () => {
    const declared = 64 * 1024 * 1024;
    const chunk = Buffer.alloc(64 * 1024, 'a');
    const written = await new Promise<number>((resolve) => {
      let sent = 0;
      const outgoing = request({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/users',
        headers: { 'content-type': 'application/json', 'content-length': declared },
        agent: false,
      });
      outgoing.on('error', () => resolve(sent));
      outgoing.on('response', (res) => res.resume());
      outgoing.on('close', () => resolve(sent));
      const pump = () => {
        while (sent < declared && !outgoing.destroyed) {
          sent += chunk.length;
          if (!outgoing.write(chunk)) return void outgoing.once('drain', pump);
        }
      };
      pump();
    });
    // Socket buffers on both sides hold a few MB more than the server read.
    expect(written).toBeGreaterThan(UNREAD_BODY_LIMIT_BYTES);
    expect(written).toBeLessThan(declared / 2);
    expect((await app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    const malformed = await send(`http://127.0.0.1:${port}`, {
      method: 'POST',
      path: '/users',
      headers: { 'content-type': 'application/json' },
      body: '{"email":',
    });
    expect(malformed.statusCode).toBe(400);
  });
});
