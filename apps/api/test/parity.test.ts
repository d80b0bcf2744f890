import { EVENT_SHAPES, toLambdaEvent } from '@switchyard/lambda-local/events';
import { lambdaContext } from '@switchyard/lambda-local/gateway';
import { readLambdaResult } from '@switchyard/lambda-local/results';
import { join } from 'node:path';
import { comparable, PARITY_CASES } from './parity-cases';
import { send } from '@switchyard/lambda-local/http-client';
import { DIST, startServer, stop, type RunningProcess } from './support/processes';

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

describe('parity: the native server and the Lambda handler answer alike', () => {
  let server: (RunningProcess & { baseUrl: string }) | undefined;
  let handler: Handler;

  beforeAll(async () => {
    process.env.LOG_LEVEL = 'silent';
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    handler = (require(join(DIST, 'lambda.js')) as { handler: Handler }).handler;
    server = await startServer();
  }, 30_000);
  afterAll(() => stop(server));

  test('the table covers every route and at least 30 requests', () => {
    expect(PARITY_CASES.length).toBeGreaterThanOrEqual(30);
    const paths = new Set(PARITY_CASES.map((c) => c.request.path));
    for (const path of [
      '/',
      '/hello',
      '/goodbye',
      '/uppercase',
      '/lowercase',
      '/capitalize',
      '/users',
      '/work',
      '/health',
      '/ready',
      '/openapi.json',
    ]) {
      expect(paths).toContain(path);
    }
  });

  describe.each(PARITY_CASES)('$name', ({ request, expectedStatus, repeatsKeys }) => {
    let native: ReturnType<typeof comparable>;
    beforeAll(async () => {
      native = comparable(await send(server!.baseUrl, request), request.path);
    });

    test(`native answers ${expectedStatus}`, () => {
      expect(native.statusCode).toBe(expectedStatus);
    });

    test.each(EVENT_SHAPES.filter((shape) => !(repeatsKeys && shape === 'alb')))('%s answers the same', async (shape) => {
      const result = await handler(toLambdaEvent(shape, request), lambdaContext('parity', 3000));
      expect(comparable(readLambdaResult(result), request.path)).toEqual(native);
    });
  });
});
