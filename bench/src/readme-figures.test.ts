import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readContainerColdStarts, type ContainerColdStarts } from './container-cold-start';
import { FIGURES, README, renderReadmeBlock, renderReadmeFigures, updateReadmeFigures } from './readme-figures';
import { findBlock, readBenchResults, type BenchResults } from './results-tables';
import type { Row } from './stats';

const machine = { cpus: 2, cpuModel: 'Intel(R) Xeon(R) Processor', memoryGiB: 24, node: 'v20.20.2' };
const row = (metric: string, value: number, unit: string, goal?: Row['goal']): Row => ({
  metric,
  value,
  unit,
  spread: { rounds: 5, min: value * 0.9, max: value * 1.1 },
  ...(goal ? { goal } : {}),
});
const BENCH: BenchResults = {
  quick: false,
  machine,
  suites: [
    {
      suite: 'http',
      measuredAt: '2026-12-03T05:40:00.000Z',
      machine,
      rows: [
        row('HTTP, no pipelining: switchyard / raw node:http, CPU per request', 0.8, '×', { direction: 'at-least', target: 0.85 }),
        row('HTTP, no pipelining: switchyard / raw node:http, req/s', 0.9, '×', { direction: 'at-least', target: 0.85 }),
        row('HTTP, pipelining 10: switchyard / raw node:http, CPU per request', 0.7, '×', { direction: 'at-least', target: 0.85 }),
        row('HTTP, pipelining 10: switchyard / raw node:http, req/s', 0.7, '×', { direction: 'at-least', target: 0.85 }),
        row('HTTP, pipelining 10: switchyard / express 5, req/s', 4.2, '×', { direction: 'at-least', target: 3.5 }),
      ],
    },
    {
      suite: 'lambda',
      measuredAt: '2026-12-03T05:50:00.000Z',
      machine,
      rows: [
        row('Lambda: switchyard / serverless-express (ALB)', 2.1, '×', { direction: 'at-least', target: 2 }),
        row('Lambda: switchyard / serverless-express (v2)', 1.9, '×', { direction: 'at-least', target: 2 }),
      ],
    },
    {
      suite: 'cold',
      measuredAt: '2026-12-02T23:00:00.000Z',
      machine,
      rows: [
        row("Cold init from process start, image's Node v22.23.3, caches as shipped: bundle − trivial", 31, 'ms', {
          direction: 'at-most',
          target: 25,
        }),
      ],
    },
  ],
};
const CONTAINER: ContainerColdStarts = {
  measuredAt: '2026-12-03T06:00:00.000Z',
  machine,
  rows: [
    row('from Node process start: bundle − trivial handler', 24, 'ms', { direction: 'at-most', target: 25 }),
    row('from podman run: bundle − trivial handler', 40, 'ms'),
    row('from podman run: bundle / trivial handler', 1.3, '×', { direction: 'at-most', target: 1.6 }),
  ],
};

test('each figure the README gives is a measured row, with its spread and its verdict by the median', () => {
  const shown = renderReadmeFigures(BENCH, CONTAINER);
  expect(shown).toMatch(
    /^Measured by `pnpm bench` \(2026-12-02, 2026-12-03\) and `pnpm bench:container` \(2026-12-03\) on loopback, on 2 CPUs \(Intel\(R\) Xeon\(R\) Processor\)/,
  );
  const lines = shown.split('\n').map((line) => line.replace(/ +\|/g, ' |').replace(/\| +/g, '| '));
  expect(lines).toContain(
    '| HTTP, one request at a time (as an ALB sends): switchyard / raw node:http, CPU per request | 0.80× | 0.72× – 0.88×, 5 runs | ≥ 0.85× | not met |',
  );
  expect(lines).toContain('| Lambda handler / serverless-express, ALB events | 2.10× | 1.89× – 2.31×, 5 runs | ≥ 2.00× | met |');
  expect(lines).toContain('| the same from `podman run`: bundle − trivial handler | 40.0 ms | 36.0 ms – 44.0 ms, 5 runs | | |');
  expect(lines.filter((line) => line.startsWith('| ') && !/^\| (measure|---)/.test(line))).toHaveLength(FIGURES.length);
});

test('a figure with no row in the results fails the rendering, naming the row and the file', () => {
  const withoutLambda = { ...BENCH, suites: BENCH.suites.filter((suite) => suite.suite !== 'lambda') };
  expect(() => renderReadmeFigures(withoutLambda, CONTAINER)).toThrow(
    'bench/results/latest.json has no row "Lambda: switchyard / serverless-express (ALB)" for the README',
  );
  expect(() => renderReadmeFigures(BENCH, undefined)).toThrow(/container-cold-start\.json is missing; run pnpm bench:container/);
});

test('the block is rewritten in place, and only when it differs; check mode writes nothing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-readme-figures-'));
  try {
    const readme = join(dir, 'README.md');
    const page = '# title\n\n<!-- bench-figures:start -->\nold\n<!-- bench-figures:end -->\n\nafter\n';
    writeFileSync(readme, page);
    expect(updateReadmeFigures({ check: true, readme, bench: BENCH, container: CONTAINER })).toBe(true);
    expect(readFileSync(readme, 'utf8')).toBe(page);
    expect(updateReadmeFigures({ readme, bench: BENCH, container: CONTAINER })).toBe(true);
    expect(readFileSync(readme, 'utf8')).toBe(`# title\n\n${renderReadmeBlock(BENCH, CONTAINER)}\n\nafter\n`);
    expect(updateReadmeFigures({ readme, bench: BENCH, container: CONTAINER })).toBe(false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('README.md shows the figures bench/results/ renders (run pnpm bench:tables if not)', () => {
  const readme = readFileSync(README, 'utf8');
  const { start, end } = findBlock(readme, 'README.md', 'bench-figures');
  expect(readme.slice(start, end)).toBe(renderReadmeBlock(readBenchResults(), readContainerColdStarts()));
});
