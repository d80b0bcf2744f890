import { EVENT_KINDS } from '@switchyard/lambda-contract/contract';
import { toLambdaEvent } from '@switchyard/lambda-local/events';
import { checkEvent } from './lambda-event';

describe('checkEvent', () => {
  test.each(EVENT_KINDS)('recognises a %s event by the name the contract gives it', (kind) => {
    expect(checkEvent(toLambdaEvent(kind, { method: 'GET', path: '/hello' }))).toMatchObject({ ok: true, kind });
  });

  test('a payload 2.0 event with an odd domain is an HTTP API event, not a crash', () => {
    const event = toLambdaEvent('function-url', { method: 'GET', path: '/hello' });
    const odd = { ...event, requestContext: { ...event.requestContext, domainName: 42 } };
    expect(checkEvent(odd)).toMatchObject({ ok: true, kind: 'api-gateway-v2' });
  });

  test.each([
    [null, /event must be an object, got null/],
    [{ httpMethod: 'FETCH', path: '/' }, /event.httpMethod/],
    [{ version: '2.0', rawPath: 'no-slash', requestContext: { http: { method: 'GET' } } }, /event.rawPath/],
  ])('says what is wrong with %j', (event, problem) => {
    expect(checkEvent(event)).toEqual({ ok: false, problem: expect.stringMatching(problem) });
  });
});
