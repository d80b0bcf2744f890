import { EVENT_KINDS, type LambdaHttpHandler } from '@switchyard/lambda-contract/contract';
import { toLambdaEvent } from '@switchyard/lambda-local/events';
import { lambdaContext } from '@switchyard/lambda-local/gateway';
import { readLambdaResult } from '@switchyard/lambda-local/results';
import { join } from 'node:path';
import { runInThisContext } from 'node:vm';
import { send } from '@switchyard/lambda-local/http-client';
import { comparable, PARITY_CASES } from '@switchyard/lambda-local/parity-cases';
import { startTestTable, type TestTable } from './support/test-table';
import { DIST, startServer, stop, type RunningProcess } from './support/processes';

describe('parity: the native server and the Lambda handler answer alike', () => {
  let server: (RunningProcess & { baseUrl: string }) | undefined;
  let handler: LambdaHttpHandler;
  let table: TestTable | undefined;
  const saved: Array<{ env: NodeJS.ProcessEnv; values: NodeJS.ProcessEnv }> = [];
  const environments = () => [process.env, runInThisContext('process.env') as NodeJS.ProcessEnv];

  beforeAll(async () => {
    // One job table for both computes, as in AWS.
    table = await startTestTable();
    // The app's bundle runs through vm.Script in Node's own context (src/lambda.ts), where `process`
    // is Node's; what it requires (the job runtime) goes through Jest, with the test file's `process`.
    // Both get the environment.
    for (const env of environments()) {
      saved.push({ env, values: { ...env } });
      Object.assign(env, table.env, { LOG_LEVEL: 'silent', AWS_EC2_METADATA_DISABLED: 'true' });
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    handler = (require(join(DIST, 'lambda.js')) as { handler: LambdaHttpHandler }).handler;
    server = await startServer(table.env);
  }, 30_000);
  afterAll(async () => {
    await stop(server);
    await table?.stop();
    // Node's own environment outlives this file in the Jest worker: put it back as it was.
    for (const { env, values } of saved) {
      for (const key of Object.keys(env)) if (!(key in values)) delete env[key];
      Object.assign(env, values);
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

    test.each(EVENT_KINDS.filter((kind) => !(repeatsKeys && kind === 'alb')))('%s answers the same', async (kind) => {
      const result = await handler(toLambdaEvent(kind, request), lambdaContext('parity', 3000));
      expect(comparable(readLambdaResult(result), request.path)).toEqual(native);
    });
  });
});
