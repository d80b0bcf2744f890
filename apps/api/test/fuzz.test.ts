import { lambdaContext } from '@switchyard/lambda-local/gateway';
import fc from 'fast-check';
import { join } from 'node:path';
import { lambdaEventArbitrary, resultProblems } from './lambda-event-arbitraries';
import { DIST } from './support/processes';

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

/** A sample of `pnpm drill`'s fuzz run (which sends 10,000 or more), against the bundle Lambda runs. */
describe('the Lambda bundle under fuzzed events', () => {
  let handler: Handler;
  beforeAll(() => {
    process.env.LOG_LEVEL = 'silent';
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    handler = (require(join(DIST, 'lambda.js')) as { handler: Handler }).handler;
  });

  test('never throws, and always answers with a well-formed 2xx or 4xx result', async () => {
    await fc.assert(
      fc.asyncProperty(lambdaEventArbitrary, async (event) => {
        expect(resultProblems(await handler(event, lambdaContext('fuzz', 3000)))).toEqual([]);
      }),
      { numRuns: 300 },
    );
  }, 60_000);

  test('the checker itself rejects what a load balancer could not use', () => {
    expect(resultProblems({ statusCode: 200, body: '', isBase64Encoded: false })).toEqual([]);
    expect(resultProblems(undefined)).toHaveLength(1);
    expect(resultProblems({ statusCode: 500, body: '', isBase64Encoded: false })[0]).toMatch(/only 2xx and 4xx/);
    expect(resultProblems({ statusCode: '200', body: {}, isBase64Encoded: 'no', headers: { a: 1 } })).toHaveLength(4);
  });
});
