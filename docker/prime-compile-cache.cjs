// Run once while the image is built, with NODE_COMPILE_CACHE set: one real invocation of the
// Lambda handler, so Node's compile cache holds the code a cold start runs. Lambda's first request
// then skips parsing and compiling most of the bundle.
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

handler(event, context).then((result) => {
  if (result.statusCode !== 200) {
    console.error(`priming the compile cache: the handler answered ${result.statusCode}`);
    process.exit(1);
  }
});
