import fc from 'fast-check';
import { estimatedRunMs, JobCancelled, jobProblems, MAX_BATCH_ITEMS, MAX_WORK_JOB_MS, runJob, type JobRequest } from './jobs';
import { transform, TRANSFORMS } from './transforms';

describe('jobs', () => {
  test.each<[string, JobRequest, string[]]>([
    ['an hour of work', { kind: 'work', input: { ms: MAX_WORK_JOB_MS } }, []],
    ['over an hour', { kind: 'work', input: { ms: MAX_WORK_JOB_MS + 1 } }, [`input.ms must be an integer from 0 to ${MAX_WORK_JOB_MS}`]],
    ['a fraction of a millisecond', { kind: 'work', input: { ms: 1.5 } }, [`input.ms must be an integer from 0 to ${MAX_WORK_JOB_MS}`]],
    ['a full batch', { kind: 'transform-batch', input: { transform: 'uppercase', items: Array<string>(MAX_BATCH_ITEMS).fill('a') } }, []],
    [
      'a batch too many',
      { kind: 'transform-batch', input: { transform: 'uppercase', items: Array<string>(MAX_BATCH_ITEMS + 1).fill('a') } },
      ['input.items holds at most 100000 strings'],
    ],
    [
      'a long string',
      { kind: 'transform-batch', input: { transform: 'lowercase', items: ['x'.repeat(1001)] } },
      ['each of input.items is at most 1000 characters'],
    ],
    [
      'a bad locale',
      { kind: 'transform-batch', input: { transform: 'lowercase', items: [], locale: '!!' } },
      ['input.locale must be a BCP 47 language tag'],
    ],
  ])('%s', (_, request, problems) => {
    expect(jobProblems(request)).toEqual(problems);
  });

  test('a work job runs in steps of a second, reporting progress after each, and returns how long it slept', async () => {
    const reports: number[] = [];
    await expect(runJob({ kind: 'work', input: { ms: 2200 } }, (p) => void reports.push(p))).resolves.toEqual({ sleptMs: 2200 });
    expect(reports).toEqual([1000 / 2200, 2000 / 2200, 1]);
  });

  test('a stopped job ends between steps with JobCancelled', async () => {
    const stop = new AbortController();
    const running = runJob({ kind: 'work', input: { ms: 60_000 } }, () => undefined, stop.signal);
    setTimeout(() => stop.abort(), 50);
    await expect(running).rejects.toBeInstanceOf(JobCancelled);
  });

  test('a batch transforms every string, in order, reporting progress by the thousand', async () => {
    const items = Array.from({ length: 2500 }, (_, i) => `ıtem ${i}`);
    const reports: number[] = [];
    const result = await runJob(
      { kind: 'transform-batch', input: { transform: 'uppercase', items, locale: 'tr' } },
      (p) => void reports.push(p),
    );
    expect(result).toEqual({ results: items.map((item) => transform('uppercase', item, 'tr')) });
    expect(reports).toEqual([0.4, 0.8, 1]);
  });

  test('a batch gives the same strings as the transform routes, for any strings', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...TRANSFORMS), fc.array(fc.string({ maxLength: 40 }), { maxLength: 50 }), async (name, items) => {
        const result = await runJob({ kind: 'transform-batch', input: { transform: name, items } }, () => undefined);
        expect(result).toEqual({ results: items.map((item) => transform(name, item)) });
      }),
      { numRuns: 50 },
    );
  });

  test('the estimate is the declared work, or a batch at a generous 10 µs a string', () => {
    expect(estimatedRunMs({ kind: 'work', input: { ms: 45_000 } })).toBe(45_000);
    expect(
      estimatedRunMs({ kind: 'transform-batch', input: { transform: 'uppercase', items: Array<string>(MAX_BATCH_ITEMS).fill('') } }),
    ).toBe(1000);
  });

  test('an invalid request is refused before it runs', async () => {
    await expect(runJob({ kind: 'work', input: { ms: -5 } }, () => undefined)).rejects.toThrow(RangeError);
  });
});
