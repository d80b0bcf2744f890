/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inChromium } from '@switchyard/cost/test-support/chromium';
import { recordOf, type RunRecord } from './flip-timeline';
import type { Sample } from '@switchyard/sandbox/steady-load';

/*
 * The flip drill's picture, drawn by `pnpm drill:chart` (Vega in its own process: Vega is an ES
 * module, which this Jest cannot load) and checked in Chromium as a reader would see it.
 */
const DRAW = join(__dirname, 'draw-flip.ts');
const drawChart = (args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', DRAW, ...args], { cwd: join(__dirname, '..', '..'), encoding: 'utf8', timeout: 60_000 });

const sample = (sentMs: number, compute: string | undefined): Sample =>
  compute ? { sentMs, latencyMs: 8, outcome: 'ok', status: 200, compute } : { sentMs, latencyMs: 3, outcome: 'server-error', status: 503 };

/** Two runs: a clean flip to Fargate, and an unsafe one back with a burst of failures. */
function fixture(): RunRecord[] {
  const seconds = (from: number, to: number, compute: (s: number) => string | undefined) =>
    Array.from({ length: (to - from) * 10 }, (_, i) => sample(from * 1000 + i * 100, compute(from + Math.floor(i / 10))));
  return [
    recordOf({
      name: 'to Fargate by a ramp, rule changes 0 s late',
      ruleDelaySeconds: 0,
      unsafe: false,
      applies: [{ label: 'Lambda 90%, Fargate 10%', startMs: 5_000, endMs: 30_000 }],
      samples: seconds(0, 40, (s) => (s < 30 ? 'lambda' : 'fargate')),
    }),
    recordOf({
      name: 'UNSAFE: back to Lambda',
      ruleDelaySeconds: 45,
      unsafe: true,
      applies: [{ label: 'all traffic on Lambda', startMs: 5_000, endMs: 50_000 }],
      samples: seconds(0, 60, (s) => (s < 35 ? 'fargate' : s < 50 ? undefined : 'lambda')),
    }),
  ];
}

/** What a reader's browser shows: the picture's size, its texts, and the fill of each mark drawn. */
const drawn = (svg: string) =>
  inChromium(svg, (page) =>
    page.evaluate(() => {
      const root = document.querySelector('svg')!;
      const box = root.getBoundingClientRect();
      // A title's lines are tspans of one text: each line counts apart.
      const texts = [...root.querySelectorAll('text')].flatMap((t) => {
        const lines = [...t.querySelectorAll('tspan')];
        return (lines.length ? lines : [t]).map((line) => line.textContent ?? '');
      });
      // Bars: one path per second and series, each with a visible size.
      const fills = [...root.querySelectorAll('.role-mark path')]
        .filter((p) => p.getBoundingClientRect().width > 0 && p.getBoundingClientRect().height > 0)
        .map((p) => p.getAttribute('fill'));
      return { width: box.width, height: box.height, texts, fills };
    }),
  );

test('the timeline draws, in Chromium, each run with its applies, who answered each second, and its failures in red', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-flip-chart-'));
  let svg: string;
  try {
    writeFileSync(join(dir, 'runs.json'), JSON.stringify({ measuredAt: '2026-12-02T17:00:00.000Z', rate: 10, runs: fixture() }));
    // Copies of the page and the README: the command fills their blocks too, and must not touch the real ones.
    writeFileSync(join(dir, 'page.md'), '# Flips\n\n<!-- flip-drill:start -->\n<!-- flip-drill:end -->\n');
    writeFileSync(join(dir, 'README.md'), 'Measured: <!-- flip-claim --><!-- /flip-claim -->.\n');
    const files = ['--out', join(dir, 'flip.svg'), '--page', join(dir, 'page.md'), '--readme', join(dir, 'README.md')];
    const drawing = drawChart(['--results', join(dir, 'runs.json'), ...files]);
    expect(drawing.stderr).toBe('');
    expect(drawing.status).toBe(0);
    svg = readFileSync(join(dir, 'flip.svg'), 'utf8');
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toContain('0 of 400 requests failed through 1 real flips');
    expect(readFileSync(join(dir, 'page.md'), 'utf8')).toContain('| UNSAFE: back to Lambda');
    // What the command wrote, --check then finds in order.
    expect(drawChart(['--results', join(dir, 'runs.json'), ...files, '--check']).status).toBe(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const page = await drawn(svg);
  expect(page.width).toBeGreaterThan(800);
  expect(page.height).toBeGreaterThan(350);
  expect(page.texts).toEqual(
    expect.arrayContaining([
      'to Fargate by a ramp, rule changes 0 s late',
      'UNSAFE: back to Lambda',
      '400 requests, 0 failed',
      '600 requests, 150 failed (a deliberately unsafe variant)',
      '1. Lambda 90%, Fargate 10%',
      '1. all traffic on Lambda',
      'lambda',
      'fargate',
      'failed',
    ]),
  );
  // Failures are drawn red (15 seconds of them), and both computes' colours appear.
  expect(page.fills.filter((f) => f === '#e45756').length).toBe(15);
  expect(page.fills).toContain('#f58518');
  expect(page.fills).toContain('#4c78a8');
});

test("the README's picture is the one the last drill's figures draw", () => {
  const check = drawChart(['--check']);
  expect(check.stderr).toBe('');
  expect(check.status).toBe(0);
});

test('drill:chart refuses an unknown flag with its usage', () => {
  const wrong = drawChart(['--colour']);
  expect(wrong.stderr).toContain('usage: pnpm drill:chart');
  expect(wrong.status).toBe(2);
});
