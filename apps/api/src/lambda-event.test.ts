import { EVENT_KINDS } from '@switchyard/lambda-contract/contract';
import { lambdaEventArbitrary } from '@switchyard/lambda-local/event-arbitraries';
import { toLambdaEvent } from '@switchyard/lambda-local/events';
import fc from 'fast-check';
import { checkEvent, plainlyWellFormed, schemaProblem } from './lambda-event';

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

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

  test('the plain check vouches for well-formed events of every kind, so the schema is not needed to accept them', () => {
    for (const kind of EVENT_KINDS) {
      const event = toLambdaEvent(kind, { method: 'POST', path: '/users', query: 'a=1&a=2', headers: { cookie: 'a=b' }, body: '{}' });
      expect({
        kind,
        vouched: plainlyWellFormed(event as unknown as Record<string, unknown>, kind === 'api-gateway-v2' || kind === 'function-url'),
      }).toEqual({
        kind,
        vouched: true,
      });
    }
  });

  test('the plain check never vouches for an event the schema refuses', () => {
    fc.assert(
      fc.property(lambdaEventArbitrary, (event) => {
        if (!isRecord(event) || !plainlyWellFormed(event, event.version === '2.0')) return;
        expect(schemaProblem(event)).toBeUndefined();
      }),
      { numRuns: 3000 },
    );
  });
});
