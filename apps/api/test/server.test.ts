import { Agent } from 'node:http';
import { connect } from 'node:net';
import { send } from '@switchyard/lambda-local/http-client';
import { run, startServer, stop, type RunningProcess } from './support/processes';

const json = (body: Buffer) => JSON.parse(body.toString('utf8'));

describe('dist/server.js (Fargate mode)', () => {
  let server: (RunningProcess & { baseUrl: string }) | undefined;
  afterEach(() => stop(server));

  test('serves real HTTP as the fargate compute, keeping connections alive past the ALB idle timeout', async () => {
    server = await startServer();
    const res = await send(server.baseUrl, { method: 'GET', path: '/', headers: { connection: 'keep-alive' } });
    expect(res.statusCode).toBe(200);
    expect(json(res.body)).toEqual({ message: 'Hello from fargate', compute: 'fargate' });
    // ALB's idle timeout is 60 s; a shorter server timeout makes the ALB hit closed sockets (502s).
    expect(res.headers['keep-alive']).toEqual(['timeout=65']);
  });

  test('writes one JSON log line per request with the request id from the ALB trace header', async () => {
    server = await startServer();
    const traceRoot = '1-5759e988-bd862e3fe1be46a994272793';
    await send(server.baseUrl, {
      method: 'GET',
      path: '/hello',
      query: 'name=Log',
      headers: { 'x-amzn-trace-id': `Root=${traceRoot};Sampled=1` },
    });
    const line = await server.waitFor(/^\{.*"request completed".*\}$/m);
    expect(JSON.parse(line[0])).toEqual({
      level: 30,
      time: expect.stringMatching(/Z$/),
      service: 'switchyard-api',
      compute: 'fargate',
      reqId: traceRoot,
      method: 'GET',
      url: '/hello?name=Log',
      statusCode: 200,
      durationMs: expect.any(Number),
      msg: 'request completed',
    });
    expect(server.output().match(/"reqId":"1-5759e988/g)).toHaveLength(1);
  });

  test('on SIGTERM answers every request in flight, refuses new connections, and exits 0', async () => {
    server = await startServer();
    const { baseUrl } = server;
    // Keep-alive connections, as the ALB holds them: they must not keep the process alive once answered.
    const agent = new Agent({ keepAlive: true, maxSockets: 10 });
    await Promise.all(Array.from({ length: 10 }, () => send(baseUrl, { method: 'GET', path: '/health' }, agent)));
    const inFlight = Array.from({ length: 10 }, () => send(baseUrl, { method: 'GET', path: '/work', query: 'ms=1500' }, agent));
    // Barrier: once a request sent later on a fresh connection is answered, the server has read the ten.
    await send(baseUrl, { method: 'GET', path: '/health' });
    const signalledAt = Date.now();
    server.child.kill('SIGTERM');
    await server.waitFor(/draining before exit/);

    // A new connection is refused once the listener has closed (reset, or a 503, if it races the close).
    const late = await send(baseUrl, { method: 'GET', path: '/health' }).then(
      (res) => res.statusCode,
      (err: Error) => err.message,
    );
    expect([expect.stringMatching(/ECONNREFUSED|ECONNRESET/), 503]).toContainEqual(late);
    const answers = await Promise.all(inFlight);
    expect(answers.map((a) => a.statusCode)).toEqual(Array(10).fill(200));
    answers.forEach((a) => expect(json(a.body)).toEqual({ sleptMs: 1500 }));
    answers.forEach((a) => expect(a.headers.connection).toEqual(['close']));
    expect(await server.exited).toBe(0);
    // Every answered request has its log line: the last ones, written as the drain ends, are flushed at exit.
    expect(server.output().match(/"url":"\/work\?ms=1500".*"request completed"/g)).toHaveLength(10);
    // It waited for the work, and not for the 25 s grace period.
    expect(Date.now() - signalledAt).toBeLessThan(5000);
    agent.destroy();
  });

  test('exits 0 at once on SIGINT when idle', async () => {
    server = await startServer();
    server.child.kill('SIGINT');
    expect(await server.exited).toBe(0);
  });

  test('exits 1 after the grace period if a request outlives it', async () => {
    server = await startServer({ SHUTDOWN_TIMEOUT_MS: '1000' });
    const stuck = send(server.baseUrl, { method: 'GET', path: '/work', query: 'ms=10000' }).catch((err: Error) => err);
    await new Promise((resolve) => setTimeout(resolve, 300));
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(1);
    expect(server.output()).toMatch(/killed by timeout \(1000ms\)/);
    await stuck;
  });

  test.each([
    ['a malformed request line', 'HELLO\r\n\r\n', 400, 'MALFORMED_REQUEST'],
    ['a URL over the header limit', `GET /hello?name=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`, 431, 'HEADERS_TOO_LARGE'],
    [
      'too many headers',
      `GET /health HTTP/1.1\r\nHost: x\r\n${Array.from({ length: 300 }, (_, i) => `x-h${i}: ${'v'.repeat(60)}\r\n`).join('')}\r\n`,
      431,
      'HEADERS_TOO_LARGE',
    ],
  ])('answers %s with the JSON envelope, closes that connection, and keeps serving', async (_, request, status, code) => {
    server = await startServer();
    const { port } = new URL(server.baseUrl);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => socket.write(request));
      let received = '';
      socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
      socket.on('close', () => resolve(received));
      socket.on('error', reject);
    });
    const [head = '', body = ''] = answer.split('\r\n\r\n');
    expect(head).toMatch(new RegExp(`^HTTP/1.1 ${status} `));
    expect(head).toMatch(/content-type: application\/json/i);
    expect(JSON.parse(body)).toEqual({ error: { code, message: expect.any(String) } });
    expect((await send(server.baseUrl, { method: 'GET', path: '/health' })).statusCode).toBe(200);
  });

  // The server answers a refused body before reading it. Unless it reads the rest before closing,
  // the reset from closing over unread data overtakes the answer: EPIPE or ECONNRESET instead.
  test.each([
    ['over the limit', 413, 'application/json'],
    ['of an unsupported type', 415, 'application/xml'],
  ])('a large body %s is answered %i every time, never cut off by a reset', async (_what, status, contentType) => {
    server = await startServer({ BODY_LIMIT_BYTES: String(64 * 1024) });
    const body = JSON.stringify({ email: 'a'.repeat(2 * 1024 * 1024) });
    const attempt = () =>
      send(server!.baseUrl, { method: 'POST', path: '/users', headers: { 'content-type': contentType }, body }).then(
        (res) => res.statusCode,
        (err: NodeJS.ErrnoException) => err.code,
      );
    for (let round = 0; round < 4; round++) {
      expect(await Promise.all(Array.from({ length: 40 }, attempt))).toEqual(Array(40).fill(status));
    }
  });

  test('refuses to start on an invalid environment, saying which variable is wrong', async () => {
    const failed = run('server.js', { PORT: 'eighty' });
    expect(await failed.exited).toBe(1);
    expect(failed.output()).toMatch(/Invalid environment: PORT must be integer/);
  });
});
