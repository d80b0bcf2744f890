import type { LambdaHttpHandler } from '@switchyard/lambda-contract/contract';
import { fuzzFindings, lambdaEventArbitrary } from '@switchyard/lambda-local/event-arbitraries';
import { lambdaContext } from '@switchyard/lambda-local/gateway';
import fc from 'fast-check';
import { join } from 'node:path';
import { API_DIST } from '../paths';

/*
 * Runs in its own process with stdout to /dev/null (the handler logs every request at info) and
 * reports over IPC: how many events, the statuses, and the first few problems with their events.
 */
process.once('message', ({ count, seed }: { count: number; seed: number }) => {
  void (async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { handler } = require(join(API_DIST, 'lambda.js')) as { handler: LambdaHttpHandler };
    const statuses: Record<string, number> = {};
    const problems: Array<{ problem: string; event: string }> = [];
    let failed = 0;
    const started = Date.now();
    for (const event of fc.sample(lambdaEventArbitrary, { numRuns: count, seed })) {
      let found: string[];
      try {
        const result = await handler(event, lambdaContext('drill', 3000));
        found = fuzzFindings(result);
        const status = String((result as { statusCode?: unknown })?.statusCode);
        statuses[status] = (statuses[status] ?? 0) + 1;
      } catch (err) {
        found = [`threw ${(err as Error).message}`];
      }
      if (found.length) {
        failed += 1;
        if (problems.length < 5) problems.push({ problem: found.join('; '), event: JSON.stringify(event)?.slice(0, 500) ?? String(event) });
      }
    }
    process.send?.({ count, failed, statuses, problems, seconds: (Date.now() - started) / 1000 }, () => process.exit(0));
  })().catch((err: unknown) => process.send?.({ error: String((err as Error).stack) }, () => process.exit(1)));
});
