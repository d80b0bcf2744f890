import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { measureAdapter } from './adapter';
import { measureColdInit } from './cold-init';
import { thisMachine, type Machine } from './container-cold-start';
import { measureProfile } from './cpu-profile';
import { measureMethodSplit } from './method-split';
import { cliArgs, RESULTS } from './paths';
import { updateReadmeFigures } from './readme-figures';
import { updateBenchmarksPage } from './results-tables';
import { markdownTable, meetsGoal, type Row } from './stats';
import { measureThroughput } from './throughput';
import { measureSynth, measureTestSuite } from './wall-time';

/*
 * pnpm bench [--quick] [--only http,method,profile,lambda,cold,synth,tests]
 * Prints a table of figures, ratios and goals and writes bench/results/latest.json, then docs/benchmarks.md's
 * tables from it. Never fails on a missed goal: the table says which are met.
 */
const SUITES = ['http', 'method', 'profile', 'lambda', 'cold', 'synth', 'tests'] as const;
type Suite = (typeof SUITES)[number];

async function main(): Promise<void> {
  const { values } = parseArgs({ args: cliArgs(), options: { quick: { type: 'boolean', default: false }, only: { type: 'string' } } });
  const only = (values.only?.split(',') ?? [...SUITES]) as Suite[];
  const unknown = only.filter((suite) => !SUITES.includes(suite));
  if (unknown.length) throw new Error(`unknown suite ${unknown.join(', ')}; choose from ${SUITES.join(', ')}`);
  const quick = values.quick;

  const machine = thisMachine();
  const measured: SuiteResults[] = [];
  const failures: string[] = [];
  const run = async (suite: Suite, measure: () => Promise<Row[]> | Row[]) => {
    if (!only.includes(suite)) return;
    console.error(`${suite}...`);
    try {
      measured.push({ suite, measuredAt: new Date().toISOString(), machine, rows: await measure() });
    } catch (err) {
      // One broken measurement must not throw away the others; it is said now and again at the end.
      failures.push(`${suite}: ${(err as Error).message}`);
      console.error(`${suite} failed: ${(err as Error).message}`);
    }
  };
  await run('http', () => (quick ? measureThroughput(1, { warmupSeconds: 1, durationSeconds: 3 }) : measureThroughput(5)));
  await run('method', () => (quick ? measureMethodSplit(1, { warmupSeconds: 1, durationSeconds: 3 }) : measureMethodSplit(5)));
  await run('profile', () => (quick ? measureProfile(1, { warmupSeconds: 1, durationSeconds: 2 }) : measureProfile(3)));
  await run('lambda', () => (quick ? measureAdapter(1, 1) : measureAdapter(5, 3)));
  await run('cold', () => measureColdInit(quick ? 3 : 15));
  await run('synth', () => measureSynth(quick ? 1 : 5));
  await run('tests', () => measureTestSuite(quick ? 1 : 3));

  // Suites not run this time keep their last figures, so `--only` refreshes part of the table.
  const file = join(RESULTS, quick ? 'quick.json' : 'latest.json');
  const previous = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Results).suites : [];
  const suites = SUITES.flatMap((suite) => measured.find((m) => m.suite === suite) ?? previous.find((p) => p.suite === suite) ?? []);
  const rows = suites.flatMap((suite) => suite.rows);
  const table = markdownTable(rows);
  console.log(`\n${table}\n`);
  const missed = rows.filter((row) => meetsGoal(row) === false).map((row) => row.metric);
  console.log(missed.length ? `goals not met: ${missed.join('; ')}` : 'every goal measured here is met');

  mkdirSync(RESULTS, { recursive: true });
  const results: Results = { quick, machine, suites, table };
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  // The page shows the last full run; a quick run's figures are not ones to publish.
  if (!quick) {
    const { file: page, stale } = updateBenchmarksPage();
    console.log(stale ? `${page}: tables rewritten from the results` : `${page}: tables already up to date`);
    try {
      console.log(updateReadmeFigures() ? 'README.md: figures rewritten from the results' : 'README.md: figures already up to date');
    } catch (err) {
      // The README also shows the container tier's figures; without them the bench's own still stand.
      console.log(`README.md: figures not rewritten: ${(err as Error).message}`);
    }
  }
  if (failures.length) throw new Error(`measurements that failed:\n${failures.join('\n')}`);
}

/** Each suite says where it was measured: one kept from an earlier run may have been measured elsewhere. */
interface SuiteResults {
  suite: Suite;
  measuredAt: string;
  machine: Machine;
  rows: Row[];
}

interface Results {
  quick: boolean;
  /** The machine of this run. */
  machine: Machine;
  suites: SuiteResults[];
  table: string;
}

main().catch((err: unknown) => {
  console.error((err as Error).message);
  process.exit(1);
});
