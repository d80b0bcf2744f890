import { METHODS, measureMethodSplit, type Method } from './method-split';

test('the raw server is measured under each method, and each method is compared with the last, the suite’s own', async () => {
  const [earlier, current] = [METHODS[0], METHODS[METHODS.length - 1]] as [Method, Method];
  expect(earlier.load).toBe('in the bench');
  expect(current).toMatchObject({ load: 'own process', pinned: true, node: 'image' });

  // The image's Node is fetched by the bench, not by the tests: the machine's stands in for it here.
  const methods: Method[] = [earlier, { ...current, node: 'machine' }];
  const rows = await measureMethodSplit(1, { warmupSeconds: 1, durationSeconds: 1 }, methods);
  const row = (suffix: string) => rows.find((r) => r.metric === `Raw node:http, pipelining 10, ${suffix}`);
  for (const method of methods) {
    expect(row(`${method.name}, req/s`)?.value).toBeGreaterThan(100);
    expect(row(`${method.name}, server CPU per request`)).toMatchObject({ unit: 'µs', spread: { rounds: 1 } });
    expect(row(`${method.name}, server CPU per request`)?.value).toBeGreaterThan(0);
  }
  expect(row(`${earlier.name}: CPU per request / the suite's method`)?.value).toBeGreaterThan(0);
  expect(rows.filter((r) => r.unit === '×')).toHaveLength(1);
}, 60_000);
