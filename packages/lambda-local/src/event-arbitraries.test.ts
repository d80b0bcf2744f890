import fc from 'fast-check';
import { fuzzFindings, lambdaEventArbitrary } from './event-arbitraries';

describe('lambdaEventArbitrary', () => {
  const sample = fc.sample(lambdaEventArbitrary, { numRuns: 400, seed: 42 });
  const isObject = (e: unknown): e is Record<string, unknown> => typeof e === 'object' && e !== null && !Array.isArray(e);

  test('sends events of every trigger, payload 2.0 and 1.0 alike', () => {
    const objects = sample.filter(isObject);
    expect(objects.some((e) => e.version === '2.0')).toBe(true);
    expect(objects.some((e) => isObject(e.requestContext) && 'elb' in e.requestContext)).toBe(true);
    expect(objects.some((e) => 'multiValueHeaders' in e && isObject(e.requestContext) && 'elb' in e.requestContext)).toBe(true);
    expect(objects.some((e) => isObject(e.requestContext) && 'stage' in e.requestContext)).toBe(true);
  });

  test('also sends what is not an HTTP event at all', () => {
    expect(sample.some((e) => !isObject(e))).toBe(true);
  });
});

describe('fuzzFindings', () => {
  test('accepts a final 2xx or 4xx the trigger can use', () => {
    expect(fuzzFindings({ statusCode: 200, body: '', isBase64Encoded: false })).toEqual([]);
    expect(fuzzFindings({ statusCode: 404, body: '{}', isBase64Encoded: false })).toEqual([]);
  });

  test('names a server error, an interim status and an unusable result', () => {
    expect(fuzzFindings({ statusCode: 500, body: '', isBase64Encoded: false })).toEqual([expect.stringMatching(/only a final 2xx or 4xx/)]);
    expect(fuzzFindings({ statusCode: 101, body: '', isBase64Encoded: false })).toEqual([expect.stringMatching(/only a final 2xx or 4xx/)]);
    expect(fuzzFindings(undefined)).toEqual([expect.stringMatching(/must be an object/)]);
  });
});
