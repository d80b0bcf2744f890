import { request } from 'node:http';
import { startRuntimeFront, type RuntimeFront } from './runtime-front';

function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    })
      .on('error', reject)
      .end();
  });
}

describe('runtime front: an HTTP endpoint for a runtime that polls', () => {
  let front: RuntimeFront;
  beforeEach(async () => {
    front = await startRuntimeFront({ httpPort: 0, runtimePort: 0, kind: 'api-gateway-v2' });
  });
  afterEach(() => front.close());

  const runtime = () => `http://${front.runtimeApi.address}/2018-06-01/runtime/invocation`;

  test('an HTTP request becomes an event for the runtime, and its answer the HTTP response', async () => {
    const response = get(`${front.url}/hello?name=Ada`);
    const next = await fetch(`${runtime()}/next`);
    const event = (await next.json()) as { version: string; rawPath: string; rawQueryString: string };
    expect(event).toMatchObject({ version: '2.0', rawPath: '/hello', rawQueryString: 'name=Ada' });
    const id = next.headers.get('lambda-runtime-aws-request-id');
    await fetch(`${runtime()}/${id}/response`, {
      method: 'POST',
      body: JSON.stringify({ statusCode: 201, headers: { 'content-type': 'text/plain' }, body: 'made' }),
    });
    expect(await response).toEqual({ status: 201, body: 'made' });
  });

  test('an error from the runtime is a 502, as a load balancer answers', async () => {
    const response = get(`${front.url}/`);
    const next = await fetch(`${runtime()}/next`);
    const id = next.headers.get('lambda-runtime-aws-request-id');
    await fetch(`${runtime()}/${id}/error`, { method: 'POST', body: JSON.stringify({ errorType: 'Error', errorMessage: 'boom' }) });
    const { status, body } = await response;
    expect(status).toBe(502);
    expect(JSON.parse(body)).toMatchObject({ error: { code: 'BAD_GATEWAY' } });
  });

  test('a taken port is reported, and nothing is left listening', async () => {
    const port = Number(new URL(front.url).port);
    await expect(startRuntimeFront({ httpPort: port, runtimePort: 0 })).rejects.toThrow(/EADDRINUSE/);
  });
});
