import { readLambdaResult } from './results';

describe('readLambdaResult', () => {
  test('merges headers, multi-value headers and v2 cookies, lower-casing names', () => {
    const response = readLambdaResult({
      statusCode: 201,
      headers: { 'Content-Type': 'application/json', 'x-one': 1 },
      multiValueHeaders: { 'x-two': ['a', 'b'] },
      cookies: ['s=1'],
      body: '{}',
    });
    expect(response).toEqual({
      statusCode: 201,
      headers: { 'content-type': ['application/json'], 'x-one': ['1'], 'x-two': ['a', 'b'], 'set-cookie': ['s=1'] },
      body: Buffer.from('{}'),
    });
  });

  test('decodes base64 bodies', () => {
    expect(readLambdaResult({ statusCode: 200, body: Buffer.from([1, 2]).toString('base64'), isBase64Encoded: true }).body).toEqual(
      Buffer.from([1, 2]),
    );
  });

  test.each([
    [null],
    ['ok'],
    [{}],
    [{ statusCode: '200' }],
    [{ statusCode: 42 }],
    [{ statusCode: 200, body: 12 }],
    [{ statusCode: 200, multiValueHeaders: { a: 'b' } }],
  ])('rejects %j as a load balancer would', (result) => {
    expect(() => readLambdaResult(result)).toThrow(TypeError);
  });
});
