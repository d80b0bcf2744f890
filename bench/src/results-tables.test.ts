import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BENCHMARKS_PAGE,
  type BenchResults,
  findBlock,
  readBenchResults,
  renderBlock,
  renderResultsTables,
  updateBenchmarksPage,
  withTables,
} from './results-tables';
import { readContainerColdStarts } from './container-cold-start';
import { measured } from './stats';

const FIXTURE: BenchResults = {
  quick: false,
  machine: { cpus: 2, cpuModel: 'AMD EPYC', memoryGiB: 24, node: 'v20.20.2' },
  suites: [
    {
      suite: 'http',
      measuredAt: '2026-11-29T17:50:50.370Z',
      rows: [
        { metric: 'HTTP: switchyard, req/s', ...measured([56589, 58128, 60269]), unit: 'req/s', note: '10 s' },
        { metric: 'HTTP: express 5, req/s', ...measured([12638, 14177.1, 14933]), unit: 'req/s' },
        { metric: 'HTTP: switchyard, server CPU per request', ...measured([16.7, 17.33, 17.8]), unit: 'µs' },
        { metric: 'HTTP: express 5, server CPU per request', ...measured([75.1, 79.26, 88.9]), unit: 'µs' },
        {
          metric: 'HTTP: switchyard / express 5',
          ...measured([3.82, 4.1958, 4.48]),
          unit: '×',
          goal: { direction: 'at-least', target: 3.5 },
        },
      ],
    },
    {
      suite: 'lambda',
      measuredAt: '2026-11-29T17:55:28.441Z',
      rows: [
        // The best round beats the goal; the median does not, and the median decides.
        {
          metric: 'Lambda: switchyard / serverless-express',
          ...measured([1.77, 1.873, 2.1]),
          unit: '×',
          goal: { direction: 'at-least', target: 2 },
        },
        { metric: 'Lambda bundle size', value: 0.8451, unit: 'MB', goal: { direction: 'at-most', target: 1 } },
      ],
    },
  ],
};

/** A table line with its padding taken out, as a reader reads it. */
const lines = (markdown: string) => markdown.split('\n').map((line) => line.replace(/ +\|/g, ' |').replace(/\| +/g, '| '));

describe('the tables a reader sees', () => {
  const shown = lines(renderResultsTables(FIXTURE));

  test('say which machine and which run, and when each suite was measured', () => {
    expect(shown[0]).toMatch(/^A full run on 2 CPUs \(AMD EPYC\), 24 GiB of memory, Node v20\.20\.2\./);
    expect(shown).toContain('**http**, measured 2026-11-29 17:50 UTC:');
    expect(shown).toContain('**lambda**, measured 2026-11-29 17:55 UTC:');
  });

  test('say where a suite kept from a run on another machine was measured', () => {
    const [first, ...rest] = FIXTURE.suites;
    const elsewhere = { cpus: 2, cpuModel: 'Intel(R) Xeon(R) Processor', memoryGiB: 24, node: 'v20.20.2' };
    const mixed = lines(renderResultsTables({ ...FIXTURE, suites: [{ ...first!, machine: elsewhere }, ...rest] }));
    expect(mixed).toContain(
      '**http**, measured 2026-11-29 17:50 UTC on 2 CPUs (Intel(R) Xeon(R) Processor), 24 GiB of memory, Node v20.20.2:',
    );
    expect(mixed).toContain('**lambda**, measured 2026-11-29 17:55 UTC:');
  });

  test('end with the container tier’s cold starts when they were recorded', () => {
    const container = {
      measuredAt: '2026-12-03T06:10:00.000Z',
      machine: FIXTURE.machine,
      rows: [{ metric: 'from Node process start: bundle − trivial handler', ...measured([30, 24, 27]), unit: 'ms' }],
    };
    const withContainer = lines(renderResultsTables(FIXTURE, container));
    expect(withContainer.at(-5)).toMatch(
      /^\*\*container\*\* \(`pnpm bench:container`: the image as Lambda runs it.*measured 2026-12-03 06:10 UTC:$/,
    );
    expect(withContainer.at(-1)).toBe('| from Node process start: bundle − trivial handler | 27.0 ms | 24.0 ms | 30.0 ms | 3 |');
    expect(shown.join('\n')).not.toContain('**container**');
  });

  test('put each server’s CPU time per request beside its req/s, median, min and max', () => {
    expect(shown).toContain('| server | req/s, median | min | max | CPU µs per request, median | min | max | runs | note |');
    expect(shown).toContain('| HTTP: switchyard | 58,128 | 56,589 | 60,269 | 17.3 | 16.7 | 17.8 | 3 | 10 s |');
    expect(shown).toContain('| HTTP: express 5 | 14,177 | 12,638 | 14,933 | 79.3 | 75.1 | 88.9 | 3 | |');
  });

  test.each([
    ['a goal the median meets', '| HTTP: switchyard / express 5 | 4.20× | 3.82× | 4.48× | 3 | ≥ 3.50× | met |'],
    ['a goal only the best round meets', '| Lambda: switchyard / serverless-express | 1.87× | 1.77× | 2.10× | 3 | ≥ 2.00× | not met |'],
    ['an at-most goal, on a figure with no spread', '| Lambda bundle size | 0.85 MB | | | | ≤ 1.00 MB | met |'],
  ])('judge %s by the median', (_, line) => {
    expect(shown).toContain(line);
  });

  test('show every measured row once, and drop the columns no row fills', () => {
    const text = shown.join('\n');
    for (const suite of FIXTURE.suites)
      for (const row of suite.rows) {
        const subject = row.metric.replace(/, (req\/s|server CPU per request)$/, '');
        expect(text.split(`| ${subject} |`).length - 1).toBe(1);
      }
    expect(shown).toContain('| measure | median | min | max | runs | goal | met, by the median |');
  });
});

describe('the block in a page', () => {
  const page = [
    '# Benchmarks',
    '',
    'Prose before.',
    '',
    '<!-- bench-tables:start -->',
    'by hand',
    '<!-- bench-tables:end -->',
    '',
    'Prose after.',
    '',
  ].join('\n');

  test('is replaced between the markers, and the prose around it kept', () => {
    const updated = withTables(page, FIXTURE, 'page.md');
    expect(updated.startsWith('# Benchmarks\n\nProse before.\n\n<!-- bench-tables:start')).toBe(true);
    expect(updated.endsWith('<!-- bench-tables:end -->\n\nProse after.\n')).toBe(true);
    expect(updated).not.toContain('by hand');
    expect(withTables(updated, FIXTURE, 'page.md')).toBe(updated);
  });

  test('without its markers is an error that names the page', () => {
    expect(() => withTables('# Benchmarks\n', FIXTURE, 'docs/benchmarks.md')).toThrow(/^docs\/benchmarks\.md: expected one/);
  });

  test('is only checked with check, and written without it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-bench-tables-'));
    try {
      const results = join(dir, 'latest.json');
      const file = join(dir, 'benchmarks.md');
      writeFileSync(results, JSON.stringify(FIXTURE));
      writeFileSync(file, page);
      expect(updateBenchmarksPage({ check: true, results, page: file }).stale).toBe(true);
      expect(readFileSync(file, 'utf8')).toBe(page);
      expect(updateBenchmarksPage({ results, page: file }).stale).toBe(true);
      expect(updateBenchmarksPage({ check: true, results, page: file }).stale).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

test('docs/benchmarks.md shows the tables that bench/results/latest.json renders (run pnpm bench:tables if not)', () => {
  const page = readFileSync(BENCHMARKS_PAGE, 'utf8');
  const { start, end } = findBlock(page, 'docs/benchmarks.md');
  expect(page.slice(start, end)).toBe(renderBlock(readBenchResults(), readContainerColdStarts()));
});

describe('pnpm bench:tables', () => {
  const run = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, 'bench-tables.ts'), ...args], { encoding: 'utf8' });

  test('--check passes on the committed page and results', () => {
    const result = run('--check');
    expect(result.stderr).toBe('');
    expect(result).toMatchObject({ status: 0, stdout: 'docs/benchmarks.md tables: up to date\nREADME.md figures: up to date\n' });
  });

  test('refuses an unknown flag with exit 2 and the usage', () => {
    const result = run('--chek');
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/Unknown option '--chek'[\s\S]*usage: pnpm bench:tables \[--check\]/);
  });
});
