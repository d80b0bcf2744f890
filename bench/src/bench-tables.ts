import { parseArgs } from 'node:util';
import { cliArgs } from './paths';
import { updateReadmeFigures } from './readme-figures';
import { updateBenchmarksPage } from './results-tables';

/*
 * pnpm bench:tables [--check]
 * Rewrites docs/benchmarks.md's generated tables from bench/results/latest.json, and the README's
 * performance figures from it and bench/results/container-cold-start.json. With --check it writes
 * nothing and exits 1 when either is not what the results render.
 */
const USAGE = `usage: pnpm bench:tables [--check]
  rewrites the tables between the bench-tables markers in docs/benchmarks.md from bench/results/latest.json,
  and the figures between the bench-figures markers in README.md from it and bench/results/container-cold-start.json
  --check   write nothing; exit 1 if the tables are out of date
  --help    this text`;

function fail(message: string): never {
  console.error(`bench:tables: ${message}\n${USAGE}`);
  process.exit(2);
}

let values: { check?: boolean; help?: boolean };
try {
  ({ values } = parseArgs({ args: cliArgs(), options: { check: { type: 'boolean' }, help: { type: 'boolean' } } }));
} catch (err) {
  fail((err as Error).message);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

try {
  const { file, stale } = updateBenchmarksPage({ check: values.check });
  const readmeStale = updateReadmeFigures({ check: values.check });
  const outdated = [stale && file, readmeStale && 'README.md'].filter(Boolean);
  if (values.check && outdated.length) {
    console.error(`bench:tables: ${outdated.join(' and ')} out of date with bench/results/; run pnpm bench:tables`);
    process.exit(1);
  }
  const said = (name: string, was: boolean) => `${name}: ${values.check ? 'up to date' : was ? 'rewritten' : 'already up to date'}`;
  console.log(`${said(`${file} tables`, stale)}\n${said('README.md figures', readmeStale)}`);
} catch (err) {
  console.error(`bench:tables: ${(err as Error).message}`);
  process.exit(1);
}
