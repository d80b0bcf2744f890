import type { APIGatewayProxyEvent } from 'aws-lambda';
import { EVENT_KINDS } from '@switchyard/lambda-contract/contract';
import { toLambdaEvent, type HttpRequest } from './events';

const request: HttpRequest = {
  method: 'POST',
  path: '/users',
  query: 'tag=a&tag=b%2Cc&name=J%C3%B6rg+M',
  headers: { 'Content-Type': 'application/json', 'X-Multi': ['1', '2'], cookie: 'a=1; b=2' },
  body: '{"email":"a@example.com"}',
};

describe('toLambdaEvent', () => {
  test('ALB single-value keeps the last value of each header and query key, still encoded', () => {
    expect(toLambdaEvent('alb', request)).toMatchObject({
      requestContext: { elb: expect.any(Object) },
      httpMethod: 'POST',
      path: '/users',
      queryStringParameters: { tag: 'b%2Cc', name: 'J%C3%B6rg+M' },
      headers: { 'content-type': 'application/json', 'x-multi': '2', cookie: 'a=1; b=2' },
      body: '{"email":"a@example.com"}',
      isBase64Encoded: false,
    });
  });

  test('ALB multi-value keeps every value', () => {
    const event = toLambdaEvent('alb-multi-value', request);
    expect(event).toMatchObject({
      multiValueQueryStringParameters: { tag: ['a', 'b%2Cc'], name: ['J%C3%B6rg+M'] },
      multiValueHeaders: { 'x-multi': ['1', '2'], 'content-type': ['application/json'] },
    });
    expect(event).not.toHaveProperty('headers');
  });

  test('query keys that name Object.prototype members are plain keys', () => {
    const event = toLambdaEvent('api-gateway-v1', {
      method: 'GET',
      path: '/',
      query: 'constructor=a&__proto__=b&toString=c',
    }) as APIGatewayProxyEvent;
    expect({ ...event.multiValueQueryStringParameters }).toEqual({ constructor: ['a'], ['__proto__']: ['b'], toString: ['c'] });
  });

  test('API Gateway v1 decodes the query and can keep the stage in the path', () => {
    expect(toLambdaEvent('api-gateway-v1', request, { stage: 'dev', stageInPath: true })).toMatchObject({
      path: '/dev/users',
      multiValueQueryStringParameters: { tag: ['a', 'b,c'], name: ['Jörg M'] },
      queryStringParameters: { tag: 'b,c' },
      requestContext: { stage: 'dev', path: '/dev/users', resourcePath: '/{proxy+}' },
    });
  });

  test.each(['api-gateway-v2', 'function-url'] as const)('%s moves cookies out of the headers and joins repeats', (kind) => {
    const event = toLambdaEvent(kind, request);
    expect(event).toMatchObject({
      version: '2.0',
      rawPath: '/users',
      rawQueryString: request.query,
      cookies: ['a=1', 'b=2'],
      headers: { 'x-multi': '1,2' },
      queryStringParameters: { tag: 'a,b,c', name: 'Jörg M' },
      requestContext: { http: { method: 'POST', path: '/users' } },
    });
    expect(event.headers).not.toHaveProperty('cookie');
  });

  test.each(EVENT_KINDS)('%s base64-encodes binary bodies and leaves text alone', (kind) => {
    const binary = Buffer.from([0, 255, 1, 254]);
    const event = toLambdaEvent(kind, {
      method: 'PUT',
      path: '/x',
      headers: { 'content-type': 'application/octet-stream' },
      body: binary,
    });
    expect(event).toMatchObject({ isBase64Encoded: true, body: binary.toString('base64') });
    const text = toLambdaEvent(kind, { method: 'PUT', path: '/x', headers: { 'content-type': 'text/plain' }, body: 'hé' });
    expect(text).toMatchObject({ isBase64Encoded: false, body: 'hé' });
  });
});
