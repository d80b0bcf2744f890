/*
 * The runtime interface client for the sandbox's process mode, where no image (and so no
 * aws-lambda-ric) runs: it loads the handler the image config names (`dist/lambda.handler`, from
 * the current directory), then asks the Runtime API for events, one at a time, and posts back each
 * result or error, as a Lambda execution environment does for as long as it is warm.
 * https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html
 *
 *   AWS_LAMBDA_RUNTIME_API=host:port node runtime-client.cjs dist/lambda.handler
 */
const { join } = require('node:path');

const api = `http://${process.env.AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime`;
const post = (path, body) =>
  fetch(`${api}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const asError = (err) => ({
  errorType: (err && err.name) || 'Error',
  errorMessage: (err && err.message) || String(err),
  stackTrace: String((err && err.stack) || '').split('\n'),
});

async function main() {
  const spec = process.argv[2] || 'dist/lambda.handler';
  const dot = spec.lastIndexOf('.');
  let handler;
  try {
    handler = require(join(process.cwd(), spec.slice(0, dot)))[spec.slice(dot + 1)];
    if (typeof handler !== 'function') throw new TypeError(`${spec} is not a function`);
  } catch (err) {
    await post('/init/error', { ...asError(err), errorType: 'Runtime.ImportModuleError' });
    process.exit(1);
  }
  const functionName = process.env.AWS_LAMBDA_FUNCTION_NAME || 'function';
  for (;;) {
    const next = await fetch(`${api}/invocation/next`);
    const id = next.headers.get('lambda-runtime-aws-request-id');
    const deadline = Number(next.headers.get('lambda-runtime-deadline-ms'));
    const event = await next.json();
    const context = {
      callbackWaitsForEmptyEventLoop: false,
      functionName,
      functionVersion: '$LATEST',
      invokedFunctionArn: next.headers.get('lambda-runtime-invoked-function-arn') || functionName,
      memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE || '128',
      awsRequestId: id,
      logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
      logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    };
    try {
      await post(`/invocation/${id}/response`, await handler(event, context));
    } catch (err) {
      await post(`/invocation/${id}/error`, asError(err));
    }
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
