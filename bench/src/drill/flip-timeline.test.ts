import { appliesFromFlipOutput, failedCount, perSecond, phases, quantile, recordOf, summarizePhases, type FlipRun } from './flip-timeline';
import type { Sample } from '@switchyard/sandbox/steady-load';

const ok = (sentMs: number, compute: string, latencyMs = 10): Sample => ({ sentMs, latencyMs, outcome: 'ok', status: 200, compute });
const failed = (sentMs: number, outcome: Sample['outcome'] = 'server-error'): Sample => ({
  sentMs,
  latencyMs: 5,
  outcome,
  ...(outcome === 'server-error' ? { status: 503 } : {}),
});

describe("pnpm flip's output, read into applies", () => {
  test('each apply runs from its "== i/n" line to the next, and the last to the closing line', () => {
    const lines = [
      { atMs: 100, line: 'switchyard-dev: all traffic on Lambda now' },
      { atMs: 200, line: '  1. Lambda 90%, Fargate 10%' },
      { atMs: 1_000, line: '== 1/2: Lambda 90%, Fargate 10%' },
      { atMs: 5_000, line: 'Apply complete! Resources: 4 added, 0 changed, 0 destroyed.' },
      { atMs: 9_000, line: '== 2/2: all traffic on Fargate' },
      { atMs: 12_000, line: 'switchyard-dev is now all traffic on Fargate.' },
      { atMs: 12_001, line: 'Keep it: set compute = "fargate" in the workspace variables.' },
    ];
    expect(appliesFromFlipOutput(lines)).toEqual([
      { label: 'Lambda 90%, Fargate 10%', startMs: 1_000, endMs: 9_000 },
      { label: 'all traffic on Fargate', startMs: 9_000, endMs: 12_000 },
    ]);
  });

  test('a failed apply ends where flip says it failed', () => {
    const lines = [
      { atMs: 1_000, line: '== 1/1: all traffic on Lambda' },
      { atMs: 4_000, line: 'flip: apply 1 failed; traffic is as the last successful apply left it.' },
    ];
    expect(appliesFromFlipOutput(lines)).toEqual([{ label: 'all traffic on Lambda', startMs: 1_000, endMs: 4_000 }]);
  });
});

describe('a run, second by second and phase by phase', () => {
  const run: FlipRun = {
    name: 'to Fargate',
    ruleDelaySeconds: 0,
    unsafe: false,
    applies: [{ label: 'all traffic on Fargate', startMs: 2_000, endMs: 4_000 }],
    samples: [
      ok(100, 'lambda'),
      ok(600, 'lambda'),
      ok(2_100, 'lambda', 30),
      failed(2_500),
      ok(3_900, 'fargate', 50),
      ok(4_500, 'fargate'),
      failed(4_600, 'reset'),
    ],
  };

  test('counts each second by who answered, failures apart', () => {
    expect(perSecond(run.samples)).toEqual([
      { second: 0, series: 'lambda', count: 2 },
      { second: 2, series: 'failed', count: 1 },
      { second: 2, series: 'lambda', count: 1 },
      { second: 3, series: 'fargate', count: 1 },
      { second: 4, series: 'failed', count: 1 },
      { second: 4, series: 'fargate', count: 1 },
    ]);
  });

  test('splits the run at each apply, and judges latency on answered requests only', () => {
    expect(phases(run).map((p) => p.phase)).toEqual(['before', 'apply 1: all traffic on Fargate', 'after']);
    const [before, during, after] = summarizePhases(run);
    expect(before).toEqual({ phase: 'before', requests: 2, failed: 0, byCompute: { lambda: 2 }, p50Ms: 10, p99Ms: 10 });
    expect(during).toMatchObject({ requests: 3, failed: 1, byCompute: { lambda: 1, fargate: 1 }, p50Ms: 30, p99Ms: 50 });
    expect(after).toMatchObject({ requests: 2, failed: 1, byCompute: { fargate: 1 } });
  });

  test('a record keeps the counts, the applies and the summary, not the samples', () => {
    const record = recordOf(run);
    expect(record.summary).toMatchObject({
      requests: 7,
      answered: 5,
      failed: { 'server-error': 1, reset: 1 },
      byCompute: { lambda: 3, fargate: 2 },
    });
    expect(failedCount(record.summary)).toBe(2);
    expect(record).not.toHaveProperty('samples');
    expect(record.seconds).toEqual(perSecond(run.samples));
  });
});

test('quantiles by nearest rank', () => {
  const values = Array.from({ length: 100 }, (_, i) => i + 1);
  expect(quantile(values, 0.5)).toBe(50);
  expect(quantile(values, 0.99)).toBe(99);
  expect(quantile([7], 0.99)).toBe(7);
  expect(quantile([], 0.5)).toBeNaN();
});
