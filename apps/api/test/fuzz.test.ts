import type { LambdaHttpHandler } from '@switchyard/lambda-contract/contract';
import { fuzzFindings, lambdaEventArbitrary } from '@switchyard/lambda-local/event-arbitraries';
import { lambdaContext } from '@switchyard/lambda-local/gateway';
import fc from 'fast-check';
import { join } from 'node:path';
import { DIST } from './support/processes';

/** A sample of `pnpm drill`'s fuzz run (which sends 10,000 or more), against the bundle Lambda runs. */
describe('the Lambda bundle under fuzzed events', () => {
  let handler: LambdaHttpHandler;
  beforeAll(() => {
    process.env.LOG_LEVEL = 'silent';
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    handler = (require(join(DIST, 'lambda.js')) as { handler: LambdaHttpHandler }).handler;
  });

  test('never throws, and always answers with a well-formed 2xx or 4xx result', async () => {
    await fc.assert(
      fc.asyncProperty(lambdaEventArbitrary, async (event) => {
        expect(fuzzFindings(await handler(event, lambdaContext('fuzz', 3000)))).toEqual([]);
      }),
      { numRuns: 300 },
    );
  }, 60_000);
});
