import { comparable, PARITY_CASES } from './parity-cases';

describe('the parity table', () => {
  test('covers every route and at least 30 requests', () => {
    expect(PARITY_CASES.length).toBeGreaterThanOrEqual(30);
    const paths = new Set(PARITY_CASES.map((c) => c.request.path));
    for (const path of [
      '/',
      '/hello',
      '/goodbye',
      '/uppercase',
      '/lowercase',
      '/capitalize',
      '/users',
      '/work',
      '/health',
      '/ready',
      '/openapi.json',
    ]) {
      expect(paths).toContain(path);
    }
  });

  test('has one name per case, so a failure points at one row', () => {
    expect(new Set(PARITY_CASES.map((c) => c.name)).size).toBe(PARITY_CASES.length);
  });
});

describe('comparable', () => {
  const json = (value: unknown, contentType = 'application/json; charset=utf-8') => ({
    statusCode: 200,
    headers: { 'content-type': [contentType], date: ['Sun, 29 Nov 2026 14:00:00 GMT'] },
    body: Buffer.from(JSON.stringify(value)),
  });

  test('ignores what differs per call: ids, timestamps and headers such as date', () => {
    const one = comparable(json({ id: 'a', timestamp: 1, email: 'ada@example.com' }), '/users');
    const two = comparable(json({ id: 'b', timestamp: 2, email: 'ada@example.com' }), '/users');
    expect(one).toEqual(two);
  });

  test('ignores the compute only on /, where the service names it', () => {
    expect(comparable(json({ message: 'on lambda', compute: 'lambda' }), '/')).toEqual(
      comparable(json({ message: 'on fargate', compute: 'fargate' }), '/'),
    );
    expect(comparable(json({ message: 'Hello, lambda' }), '/hello')).not.toEqual(comparable(json({ message: 'Hello, fargate' }), '/hello'));
  });

  test('tells statuses, content types and bodies apart', () => {
    const base = comparable(json({ a: 1 }), '/x');
    expect(comparable({ ...json({ a: 1 }), statusCode: 404 }, '/x')).not.toEqual(base);
    expect(comparable(json({ a: 1 }, 'text/plain'), '/x')).not.toEqual(base);
    expect(comparable(json({ a: 2 }), '/x')).not.toEqual(base);
  });
});
