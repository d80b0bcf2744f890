import { readLambdaResult, resultProblems } from './results';

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
    [null, /result must be an object, got null/],
    ['ok', /got "ok"/],
    [{}, /statusCode undefined is not an HTTP status/],
    [{ statusCode: '200' }, /statusCode "200"/],
    [{ statusCode: 42 }, /statusCode 42/],
    [{ statusCode: 200, body: 12 }, /body must be a string/],
    [{ statusCode: 200, headers: { a: ['b'] } }, /headers must map names to single values/],
    [{ statusCode: 200, multiValueHeaders: { a: 'b' } }, /multiValueHeaders must map names to lists/],
    [{ statusCode: 200, cookies: 's=1' }, /cookies must be a list/],
    [{ statusCode: 200, isBase64Encoded: 'no' }, /isBase64Encoded must be a boolean/],
  ])('rejects %j as a load balancer would, saying why', (result, why) => {
    expect(() => readLambdaResult(result)).toThrow(why);
  });

  test('lists every problem at once', () => {
    expect(resultProblems({ statusCode: '200', body: {}, isBase64Encoded: 'no', headers: { a: {} } })).toHaveLength(4);
    expect(resultProblems({ statusCode: 200, body: '', isBase64Encoded: false })).toEqual([]);
  });
});
