import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readContainerColdStarts, type ContainerColdStarts } from './container-cold-start';
import { REPOSITORY_ROOT } from './paths';
import {
  findBlock,
  goalCell,
  machineText,
  readBenchResults,
  renderMarkdownTable,
  verdictCell,
  withUnit,
  type BenchResults,
} from './results-tables';
import { formatFigure, type Row } from './stats';

/*
 * The README's performance figures, rendered between `<!-- bench-figures:start -->` and
 * `<!-- bench-figures:end -->` from the results the bench and the container tier wrote, so each
 * figure the README gives is one that was measured, with its spread and its verdict.
 */

export const README = join(REPOSITORY_ROOT, 'README.md');

interface Figure {
  /** What the README calls it. */
  label: string;
  from: 'bench' | 'container';
  /** The row's metric, or a pattern for one whose name carries a version. */
  metric: string | RegExp;
}

export const FIGURES: readonly Figure[] = [
  {
    label: 'HTTP, one request at a time (as an ALB sends): switchyard / raw node:http, CPU per request',
    from: 'bench',
    metric: 'HTTP, no pipelining: switchyard / raw node:http, CPU per request',
  },
  { label: 'the same, req/s', from: 'bench', metric: 'HTTP, no pipelining: switchyard / raw node:http, req/s' },
  {
    label: 'HTTP, pipelining 10: switchyard / raw node:http, CPU per request',
    from: 'bench',
    metric: 'HTTP, pipelining 10: switchyard / raw node:http, CPU per request',
  },
  { label: 'the same, req/s', from: 'bench', metric: 'HTTP, pipelining 10: switchyard / raw node:http, req/s' },
  {
    label: 'HTTP, pipelining 10: switchyard / express 5, req/s',
    from: 'bench',
    metric: 'HTTP, pipelining 10: switchyard / express 5, req/s',
  },
  { label: 'Lambda handler / serverless-express, ALB events', from: 'bench', metric: 'Lambda: switchyard / serverless-express (ALB)' },
  {
    label: 'Lambda handler / serverless-express, API Gateway v2 events',
    from: 'bench',
    metric: 'Lambda: switchyard / serverless-express (v2)',
  },
  {
    label: "Lambda cold start, a fresh node (the image's, with its caches), from the process's start: bundle − trivial handler",
    from: 'bench',
    metric: /^Cold init from process start, image's Node v[\d.]+, caches as shipped: bundle − trivial$/,
  },
  {
    label:
      'Lambda cold start as Lambda runs the image (runtime client, another uid, read-only root), from the Node process start: bundle − trivial handler',
    from: 'container',
    metric: 'from Node process start: bundle − trivial handler',
  },
  { label: 'the same from `podman run`: bundle − trivial handler', from: 'container', metric: 'from podman run: bundle − trivial handler' },
  { label: 'the same from `podman run`: bundle / trivial handler', from: 'container', metric: 'from podman run: bundle / trivial handler' },
];

const figure = (value: number, unit: string) => withUnit(formatFigure(value), unit);

interface Found {
  row: Row;
  measuredAt: string;
}

function find(rows: readonly Found[], metric: string | RegExp, source: string): Found {
  const found = rows.find(({ row }) => (typeof metric === 'string' ? row.metric === metric : metric.test(row.metric)));
  if (!found) throw new Error(`${source} has no row "${String(metric)}" for the README`);
  return found;
}

/** The Markdown between the markers: when and where, then one line per figure. */
export function renderReadmeFigures(bench: BenchResults, container: ContainerColdStarts | undefined): string {
  const sources: Record<Figure['from'], { file: string; rows: Found[] } | undefined> = {
    bench: {
      file: 'bench/results/latest.json',
      rows: bench.suites.flatMap((suite) => suite.rows.map((row) => ({ row, measuredAt: suite.measuredAt }))),
    },
    container: container && {
      file: 'bench/results/container-cold-start.json',
      rows: container.rows.map((row) => ({ row, measuredAt: container.measuredAt })),
    },
  };
  const used: Record<Figure['from'], Set<string>> = { bench: new Set(), container: new Set() };
  const lines = FIGURES.map(({ label, from, metric }) => {
    const source = sources[from];
    if (!source) throw new Error('bench/results/container-cold-start.json is missing; run pnpm bench:container');
    const { row, measuredAt } = find(source.rows, metric, source.file);
    used[from].add(measuredAt.slice(0, 10));
    return [
      label,
      figure(row.value, row.unit),
      row.spread ? `${figure(row.spread.min, row.unit)} – ${figure(row.spread.max, row.unit)}, ${row.spread.rounds} runs` : '',
      goalCell(row),
      verdictCell(row),
    ];
  });
  const days = (from: Figure['from']) => [...used[from]].sort().join(', ');
  const when = [`\`pnpm bench\` (${days('bench')})`, ...(used.container.size ? [`\`pnpm bench:container\` (${days('container')})`] : [])];
  const table = renderMarkdownTable(
    [
      { header: 'measure', align: 'left' },
      { header: 'median', align: 'right' },
      { header: 'min – max', align: 'right' },
      { header: 'goal', align: 'left' },
      { header: 'met, by the median', align: 'left' },
    ],
    lines,
  );
  const machine = machineText(bench.machine);
  return `Measured by ${when.join(' and ')} on loopback${machine ? `, on ${machine}` : ''}; every figure in [benchmarks](docs/benchmarks.md).\n\n${table}`;
}

export function renderReadmeBlock(bench: BenchResults, container: ContainerColdStarts | undefined): string {
  return `<!-- bench-figures:start: generated by \`pnpm bench:tables\` from bench/results/; edits inside are overwritten -->\n\n${renderReadmeFigures(bench, container)}\n\n<!-- bench-figures:end -->`;
}

/** Rewrites the README's block from the results (writing nothing with `check`); says whether it differed. */
export function updateReadmeFigures(
  options: { check?: boolean; readme?: string; bench?: BenchResults; container?: ContainerColdStarts } = {},
): boolean {
  const file = options.readme ?? README;
  const readme = readFileSync(file, 'utf8');
  const { start, end } = findBlock(readme, 'README.md', 'bench-figures');
  const block = renderReadmeBlock(options.bench ?? readBenchResults(), options.container ?? readContainerColdStarts());
  const updated = `${readme.slice(0, start)}${block}${readme.slice(end)}`;
  const stale = updated !== readme;
  if (stale && !options.check) writeFileSync(file, updated);
  return stale;
}
