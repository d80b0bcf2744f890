import { parseArgs } from 'node:util';
import { cliArgs } from './paths';
import { updateBenchmarksPage } from './results-tables';

/*
 * pnpm bench:tables [--check]
 * Rewrites docs/benchmarks.md's generated tables from bench/results/latest.json. With --check it
 * writes nothing and exits 1 when the page's tables are not what the results render.
 */
const USAGE = `usage: pnpm bench:tables [--check]
  rewrites the tables between the bench-tables markers in docs/benchmarks.md from bench/results/latest.json
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
  if (values.check && stale) {
    console.error(`bench:tables: ${file} is out of date with bench/results/latest.json; run pnpm bench:tables`);
    process.exit(1);
  }
  console.log(values.check ? `${file}: tables up to date` : stale ? `${file}: tables rewritten` : `${file}: tables already up to date`);
} catch (err) {
  console.error(`bench:tables: ${(err as Error).message}`);
  process.exit(1);
}
