// Run while the image is built, to fill the two caches a cold start reads:
//   node prime-compile-cache.cjs code-cache [dist/lambda.js]
//     (as root, before the image's USER) one request through the Lambda handler, then V8's code
//     cache of the app, written beside it (apps/api/src/lambda.ts); it holds the bytecode of
//     every function the request ran. `pnpm bench` runs this on its own copy of the bundles.
//   node prime-compile-cache.cjs
//     (as uid 1000, with NODE_COMPILE_CACHE set) one request to each bundle, so Node's compile cache
//     holds the loader and the server: Fargate (server.js) runs as uid 1000, and lambda-entrypoint
//     links the cache under Lambda's own uid.
const { flushCompileCache } = require('node:module');
const { createServer } = require('node:net');

process.env.HOST = '127.0.0.1';
process.env.LOG_LEVEL = 'silent';

const fail = (message) => {
  console.error(`priming the caches: ${message}`);
  process.exit(1);
};

const freePort = () =>
  new Promise((resolve, reject) => {
    const probe = createServer().once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });

async function answerOneLambdaEvent(loader) {
  const { handler } = require(loader);
  const event = {
    httpMethod: 'GET',
    path: '/hello',
    queryStringParameters: { name: 'build' },
    headers: { host: 'localhost' },
    requestContext: { elb: { targetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/prime/0' } },
    body: '',
    isBase64Encoded: false,
  };
  const context = { awsRequestId: 'prime-caches', functionName: 'prime', getRemainingTimeInMillis: () => 3000 };
  const result = await handler(event, context);
  if (result.statusCode !== 200) fail(`the Lambda handler answered ${result.statusCode}`);
}

async function primeCodeCache(loader) {
  await answerOneLambdaEvent(loader);
  require(loader).writeCodeCache();
  process.exit(0);
}

async function primeCompileCache() {
  await answerOneLambdaEvent('/app/dist/lambda.js');
  // server.js listens as soon as it loads.
  const port = await freePort();
  process.env.PORT = String(port);
  require('/app/dist/server.js');
  const deadline = Date.now() + 10_000;
  let response;
  while (!response && Date.now() < deadline) {
    response = await fetch(`http://127.0.0.1:${port}/hello?name=build`).catch(() => new Promise((resolve) => setTimeout(resolve, 20)));
  }
  if (response?.status !== 200) fail(`the server did not answer 200 (${response?.status ?? 'no answer'})`);
  flushCompileCache();
  process.exit(0);
}

const [mode, loader = '/app/dist/lambda.js'] = process.argv.slice(2);
(mode === 'code-cache' ? primeCodeCache(loader) : primeCompileCache()).catch((err) => fail(err.stack));
