// Run once while the image is built, as uid 1000, with NODE_COMPILE_CACHE set: load both bundles
// and answer one real request with each, so Node's compile cache holds the code a cold start runs,
// on Lambda (lambda.js) and on Fargate (server.js). Lambda's uid differs; lambda-entrypoint links
// this cache under its name.
const { flushCompileCache } = require('node:module');
const { createServer } = require('node:net');

process.env.HOST = '127.0.0.1';
process.env.LOG_LEVEL = 'silent';

const freePort = () =>
  new Promise((resolve, reject) => {
    const probe = createServer().once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });

const fail = (message) => {
  console.error(`priming the compile cache: ${message}`);
  process.exit(1);
};

async function prime() {
  const { handler } = require('/app/dist/lambda.js');
  const event = {
    httpMethod: 'GET',
    path: '/hello',
    queryStringParameters: { name: 'build' },
    headers: { host: 'localhost' },
    requestContext: { elb: { targetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/prime/0' } },
    body: '',
    isBase64Encoded: false,
  };
  const context = { awsRequestId: 'prime-compile-cache', functionName: 'prime', getRemainingTimeInMillis: () => 3000 };
  const result = await handler(event, context);
  if (result.statusCode !== 200) fail(`the Lambda handler answered ${result.statusCode}`);

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

prime().catch((err) => fail(err.stack));
