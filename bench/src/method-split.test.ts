import { METHODS, measureMethodSplit, type Method } from './method-split';

test('the suite’s own method is the last, and the earlier one runs the load in the bench', () => {
  expect(METHODS[0]).toMatchObject({ load: 'in the bench', pinned: false, node: 'machine' });
  expect(METHODS[METHODS.length - 1]).toMatchObject({ load: 'own process', pinned: true, node: 'image' });
});

test('the raw server is measured under each method given, and each method is compared with the last', async () => {
  // The load in the bench and in a process of its own, neither pinned: on a busy machine a pinned
  // server can wait its whole window for its CPU. How fast it answers is the bench's business, not a test's.
  const [earlier, apart] = [METHODS[0], METHODS[1]] as [Method, Method];
  expect(apart).toMatchObject({ load: 'own process', pinned: false });
  const rows = await measureMethodSplit(1, { warmupSeconds: 1, durationSeconds: 1 }, [earlier, apart]);
  const row = (suffix: string) => rows.find((r) => r.metric === `Raw node:http, pipelining 10, ${suffix}`);
  for (const method of [earlier, apart]) {
    expect(row(`${method.name}, req/s`)?.value).toBeGreaterThan(0);
    expect(row(`${method.name}, server CPU per request`)).toMatchObject({ unit: 'µs', spread: { rounds: 1 } });
    expect(Number.isFinite(row(`${method.name}, server CPU per request`)?.value)).toBe(true);
  }
  expect(row(`${earlier.name}: CPU per request / the suite's method`)).toMatchObject({ unit: '×', spread: { rounds: 1 } });
  expect(rows.filter((r) => r.unit === '×')).toHaveLength(1);
}, 60_000);
