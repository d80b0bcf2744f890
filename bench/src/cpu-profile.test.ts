import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chargeProfile, partOf } from './cpu-profile';
import { PEERS } from './paths';
import { startServerProcess } from './processes';

test('a frame is charged to the part of the code its source belongs to', () => {
  const pnpm = '../../../node_modules/.pnpm';
  expect(partOf('asJson', `${pnpm}/pino@10.4.0/node_modules/pino/lib/tools.js`)).toBe('logging');
  expect(partOf('requestCompleted', '../src/request-log-controller.ts')).toBe('logging');
  expect(partOf('find', `${pnpm}/find-my-way@9.3.0/node_modules/find-my-way/index.js`)).toBe('routing');
  expect(partOf('validate', `${pnpm}/ajv@8.20.0/node_modules/ajv/dist/core.js`)).toBe('validation');
  expect(partOf('anonymous', `${pnpm}/fast-json-stringify@6.0.0/node_modules/fast-json-stringify/index.js`)).toBe('serialization');
  expect(partOf('onSend', '../src/plugins/drain.ts')).toBe('hooks');
  expect(partOf('', '../src/routes/greetings.ts')).toBe('the route handler');
  expect(partOf('parserOnIncoming', 'node:_http_server')).toBe('node:http, libuv and the runtime');
  expect(partOf('(garbage collector)', '')).toBe('garbage collection');
  expect(partOf('(idle)', '')).toBeUndefined();
});

test('only the samples taken within the measured window are charged, each with the time that ends at it', () => {
  const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 0, columnNumber: 0 });
  const profile = {
    nodes: [
      { id: 1, callFrame: frame('parserOnIncoming', 'node:_http_server') },
      { id: 2, callFrame: frame('(garbage collector)', '') },
      { id: 3, callFrame: frame('(idle)', '') },
    ],
    startTime: 1_000,
    samples: [1, 2, 3, 1, 1],
    timeDeltas: [100, 100, 100, 100, 100],
  };
  // Samples at 1100, 1200, 1300 (idle), 1400, 1500; the window holds the middle three.
  expect(Object.fromEntries(chargeProfile(profile, [1_150, 1_450]))).toEqual({
    'garbage collection': 100,
    'node:http, libuv and the runtime': 100,
  });
});

test("a real server's profile charges its requests to its handler and to node:http", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-cpu-profile-'));
  try {
    const server = await startServerProcess(
      'raw node:http',
      join(PEERS, 'raw-http-server.js'),
      {},
      { nodeArgs: ['--cpu-prof', '--cpu-prof-dir', dir] },
    );
    const started = Number(process.hrtime.bigint() / 1000n);
    for (let i = 0; i < 300; i++) expect((await fetch(`${server.url}/hello?name=profile`)).status).toBe(200);
    const ended = Number(process.hrtime.bigint() / 1000n);
    await server.terminate();
    const [file] = readdirSync(dir);
    const parts = chargeProfile(JSON.parse(readFileSync(join(dir, file as string), 'utf8')), [started, ended]);
    expect(parts.get('node:http, libuv and the runtime')).toBeGreaterThan(0);
    expect([...parts.keys()]).not.toContain('logging');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 30_000);
