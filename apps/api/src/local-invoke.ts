import { LAMBDA_TIMEOUT_SECONDS } from '@switchyard/domain/timing-budget';
import { lambdaContext } from '@switchyard/lambda-local/gateway';
import { join } from 'node:path';

/*
 * `node dist/local-invoke.js <function name>`, with the payload in SWITCHYARD_INVOKE_PAYLOAD: one
 * asynchronous invocation, as a Lambda sandbox of its own would run it. The local stand-in for
 * Lambda's Invoke API starts it (local-aws.ts).
 */
async function main(): Promise<void> {
  const functionName = process.argv[2] ?? 'switchyard-local';
  const payload = JSON.parse(process.env.SWITCHYARD_INVOKE_PAYLOAD ?? 'null') as unknown;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { handler } = require(join(__dirname, 'lambda.js')) as { handler: (event: unknown, context: unknown) => Promise<unknown> };
  const result = await handler(payload, lambdaContext(functionName, LAMBDA_TIMEOUT_SECONDS * 1000));
  console.log(JSON.stringify({ invocation: 'finished', result }));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
