// The cold-start floor: a handler that loads nothing and answers at once. The bench times it in
// process and the container tier under the real runtime client, each beside the bundle.
exports.handler = async () => ({
  statusCode: 200,
  headers: { 'content-type': 'application/json' },
  body: '{"message":"Hello"}',
  isBase64Encoded: false,
});
