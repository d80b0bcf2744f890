// The cold-start floor: a handler that loads nothing and answers at once.
exports.handler = async () => ({
  statusCode: 200,
  headers: { 'content-type': 'application/json' },
  body: '{"message":"Hello"}',
  isBase64Encoded: false,
});
