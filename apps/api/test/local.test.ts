import { send } from '@switchyard/lambda-local/http-client';
import { freePort, run, stop, type RunningProcess } from './support/processes';

const json = (body: Buffer) => JSON.parse(body.toString('utf8'));

describe('dist/local.js (pnpm start)', () => {
  let local: RunningProcess | undefined;
  afterEach(() => stop(local));

  test('serves both computes side by side, with the same answers, and stops on Ctrl-C', async () => {
    const [fargatePort, lambdaPort] = [await freePort(), await freePort()];
    local = run('local.js', { PORT: String(fargatePort), LAMBDA_PORT: String(lambdaPort), HOST: '127.0.0.1' });
    await local.waitFor(/Lambda mode .*http:\/\/127\.0\.0\.1:\d+/);
    await local.waitFor(/Server listening at/);
    expect(local.output()).toContain(`curl 'http://127.0.0.1:${lambdaPort}/hello?name=Ada'`);

    const fargate = `http://127.0.0.1:${fargatePort}`;
    const lambda = `http://127.0.0.1:${lambdaPort}`;
    expect(json((await send(fargate, { method: 'GET', path: '/' })).body).compute).toBe('fargate');
    expect(json((await send(lambda, { method: 'GET', path: '/' })).body).compute).toBe('lambda');

    const create = { method: 'POST', path: '/users', headers: { 'content-type': 'application/json' }, body: '{"email":"ada@example.com"}' };
    for (const request of [
      { method: 'GET', path: '/uppercase', query: 'input=istanbul&locale=tr' },
      create,
      { method: 'GET', path: '/nope' },
    ]) {
      const [a, b] = await Promise.all([send(fargate, request), send(lambda, request)]);
      expect(b.statusCode).toBe(a.statusCode);
      expect({ ...json(b.body), id: undefined }).toEqual({ ...json(a.body), id: undefined });
    }

    local.child.kill('SIGINT');
    expect(await local.exited).toBe(0);
  });
});
