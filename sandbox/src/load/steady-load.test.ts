import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSteadyLoad } from './steady-load';

/*
 * The drill's load against a real loopback server: it counts what the server answered, and
 * tells a 5xx, a reset connection and a timeout apart. Counts are judged loosely: the machine may
 * be busy, and the pacing is the drill's concern, not these tests'.
 */

let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/fail') return void res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":{}}');
    if (req.url === '/reset') return void req.socket.destroy();
    if (req.url === '/hang') return; // never answers
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ compute: 'lambda' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

test('sends at the rate until stopped, and records who answered each request', async () => {
  const load = startSteadyLoad({ url: `${url}/`, rate: 50, maxSeconds: 60 });
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const samples = await load.stop();
  expect(samples.length).toBeGreaterThanOrEqual(20);
  expect(samples.length).toBeLessThanOrEqual(200);
  expect(samples.every((s) => s.outcome === 'ok' && s.status === 200 && s.compute === 'lambda')).toBe(true);
  // Sent in order, and nothing after the stop.
  const count = samples.length;
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(load.samples().length).toBe(count);
});

test('tells a 5xx, a reset and a timeout apart', async () => {
  const run = async (path: string, timeoutMs?: number) => {
    const load = startSteadyLoad({ url: `${url}${path}`, rate: 10, maxSeconds: 60, ...(timeoutMs ? { timeoutMs } : {}) });
    await new Promise((resolve) => setTimeout(resolve, 300));
    return new Set((await load.stop()).map((s) => s.outcome));
  };
  expect(await run('/fail')).toEqual(new Set(['server-error']));
  expect(await run('/reset')).toEqual(new Set(['reset']));
  expect(await run('/hang', 200)).toEqual(new Set(['timeout']));
});

test('stops by itself after its time', async () => {
  const load = startSteadyLoad({ url: `${url}/`, rate: 20, maxSeconds: 0.5 });
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const before = load.samples().length;
  await new Promise((resolve) => setTimeout(resolve, 500));
  expect(load.samples().length).toBe(before);
  expect(before).toBeGreaterThan(0);
  await load.stop();
});

test('targets loopback only, at a sane rate', () => {
  expect(() => startSteadyLoad({ url: 'http://example.com/', rate: 10, maxSeconds: 1 })).toThrow(/loopback only/);
  expect(() => startSteadyLoad({ url: `${url}/`, rate: 0, maxSeconds: 1 })).toThrow(/rate must be/);
});
