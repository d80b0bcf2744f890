import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { LambdaHttpHandler } from '@switchyard/lambda-contract/contract';
import { createLambdaGateway } from './gateway';

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('createLambdaGateway', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  test('invokes the handler with an ALB multi-value event and writes its result back', async () => {
    const seen: unknown[] = [];
    const handler: LambdaHttpHandler = async (event, context) => {
      seen.push({ event, requestId: context.awsRequestId });
      return { statusCode: 202, multiValueHeaders: { 'content-type': ['application/json'], 'x-a': ['1', '2'] }, body: '{"ok":true}' };
    };
    server = createLambdaGateway(handler);
    const base = await listen(server);
    const res = await fetch(`${base}/p?q=1&q=2`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"x":1}' });
    expect(res.status).toBe(202);
    expect(res.headers.get('x-a')).toBe('1, 2');
    expect(await res.json()).toEqual({ ok: true });
    expect(seen[0]).toMatchObject({
      event: { httpMethod: 'POST', path: '/p', multiValueQueryStringParameters: { q: ['1', '2'] }, body: '{"x":1}' },
      requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
  });

  test.each([
    ['throws', async () => Promise.reject(new Error('boom'))],
    ['returns garbage', async () => 'not a result'],
  ])('answers 502 with a JSON error when the handler %s', async (_, handler) => {
    server = createLambdaGateway(handler as LambdaHttpHandler);
    const res = await fetch(await listen(server));
    expect(res.status).toBe(502);
    expect(await res.json()).toEqual({ error: { code: 'BAD_GATEWAY', message: expect.stringContaining('Lambda handler failed') } });
  });
});
