import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from './app';
import { batchedStdout, LOG_BATCH_MAX_DELAY_MS } from './logging';

describe('request logs', () => {
  test('a failed request is logged with the error named as the error names itself', async () => {
    const lines: string[] = [];
    const app = buildApp({
      config: { logLevel: 'info', bodyLimitBytes: 1024 },
      compute: 'fargate',
      logStream: { write: (line) => lines.push(line) },
    });
    // The class name differs from the error's name, as it does once a bundle is minified.
    class Minified extends Error {
      override name = 'PaymentDeclinedError';
    }
    app.get('/pay', async () => {
      throw new Minified('card declined');
    });
    const res = await app.inject({ method: 'GET', url: '/pay' });
    await app.close();

    expect(res.statusCode).toBe(500);
    const failure = lines.map((line) => JSON.parse(line)).find((entry) => entry.msg === 'request failed');
    expect(failure.err).toEqual(
      expect.objectContaining({ type: 'PaymentDeclinedError', message: 'card declined', stack: expect.stringContaining('card declined') }),
    );
  });
});

describe('batchedStdout', () => {
  let dir: string;
  let fd: number;
  const written = () => readFileSync(join(dir, 'log'), 'utf8');
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'switchyard-log-'));
    fd = openSync(join(dir, 'log'), 'w');
  });
  afterEach(() => {
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  });

  test('holds short lines back, then writes them together, in order, without more traffic', async () => {
    const stream = batchedStdout(fd);
    stream.write('{"n":1}\n');
    stream.write('{"n":2}\n');
    expect(written()).toBe('');
    const deadline = Date.now() + 10_000;
    while (written() === '' && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, LOG_BATCH_MAX_DELAY_MS));
    expect(written()).toBe('{"n":1}\n{"n":2}\n');
  });

  test('writes at once when a batch reaches 4 KiB', () => {
    const stream = batchedStdout(fd);
    const line = `{"pad":"${'x'.repeat(100)}"}\n`;
    // 37 lines of 111 bytes are the first to reach 4096.
    for (let i = 0; i < 36; i++) stream.write(line);
    expect(written()).toBe('');
    stream.write(line);
    expect(written()).toBe(line.repeat(37));
  });
});
