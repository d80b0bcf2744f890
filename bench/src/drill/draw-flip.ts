import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { cliArgs } from '../paths';
import { FLIP_REPORT, renderFlipReport } from './flip-report';
import type { FlipDrillResults } from './flip-timeline';

/*
 * pnpm drill:chart [--results bench/results/flip-drill.json] [--out docs/flip-drill.svg]
 *                  [--page docs/deploy-and-flip.md] [--readme README.md] [--check]
 * Draws the flip drill's timeline from its figures, writes its tables into the page's flip-drill
 * block and its claim into the README; --check writes nothing and exits 1 when any of them differs
 * from what the figures give.
 */
const USAGE = 'usage: pnpm drill:chart [--results <flip-drill.json>] [--out <svg>] [--page <markdown>] [--readme <markdown>] [--check]';

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: cliArgs(),
      options: {
        results: { type: 'string', default: FLIP_REPORT.results },
        out: { type: 'string', default: FLIP_REPORT.svg },
        page: { type: 'string', default: FLIP_REPORT.page },
        readme: { type: 'string', default: FLIP_REPORT.readme },
        check: { type: 'boolean', default: false },
      },
    }));
  } catch (err) {
    console.error(`drill:chart: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const results = JSON.parse(readFileSync(values.results, 'utf8')) as FlipDrillResults;
  const report = await renderFlipReport(results, { page: values.page, readme: values.readme });
  const files: Array<[string, string]> = [
    [values.out, report.svg],
    [values.page, report.page],
    [values.readme, report.readme],
  ];
  if (values.check) {
    const stale = files.filter(([path, content]) => !existsSync(path) || readFileSync(path, 'utf8') !== content).map(([path]) => path);
    if (!stale.length) return 0;
    console.error(`drill:chart: not what ${values.results} gives: ${stale.join(', ')}; run pnpm drill:chart`);
    return 1;
  }
  for (const [path, content] of files) writeFileSync(path, content);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(`drill:chart: ${err.message}`);
    process.exit(2);
  },
);
