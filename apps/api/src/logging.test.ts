import { buildApp } from './app';

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
