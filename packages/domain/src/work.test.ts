import { MAX_WORK_MS, isWorkDuration, work } from './work';

describe('work', () => {
  test('resolves after roughly the requested delay', async () => {
    const started = performance.now();
    await expect(work(50)).resolves.toEqual({ sleptMs: 50 });
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
  });

  test('zero resolves at once', async () => {
    await expect(work(0)).resolves.toEqual({ sleptMs: 0 });
  });

  test.each([
    [0, true],
    [MAX_WORK_MS, true],
    [-1, false],
    [MAX_WORK_MS + 1, false],
    [1.5, false],
    [Number.NaN, false],
    [Number.POSITIVE_INFINITY, false],
  ])('isWorkDuration(%p) → %s', (ms, ok) => {
    expect(isWorkDuration(ms)).toBe(ok);
  });

  test('rejects out-of-range durations instead of sleeping', async () => {
    await expect(work(MAX_WORK_MS + 1)).rejects.toThrow(RangeError);
  });
});
