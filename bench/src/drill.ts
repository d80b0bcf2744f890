import { parseArgs } from 'node:util';
import { badInputDrill } from './drill/bad-input';
import { fuzzDrill } from './drill/fuzz';
import { jobsDrill } from './drill/jobs';
import { loadDrill } from './drill/load';
import type { DrillResult } from './drill/result';
import { cliArgs } from './paths';
import { shutdownDrill } from './drill/shutdown';

/*
 * pnpm drill [--only load,shutdown,fuzz,bad-input,jobs] [--fuzz-events 10000] [--load-seconds 30] [--jobs 200] [--seed N]
 * Loopback only; every drill is bounded and stops by itself. Exits 1 when any drill fails.
 */
const DRILLS = ['load', 'shutdown', 'fuzz', 'bad-input', 'jobs'] as const;
type Drill = (typeof DRILLS)[number];

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: cliArgs(),
    options: {
      only: { type: 'string' },
      'fuzz-events': { type: 'string', default: '10000' },
      'load-seconds': { type: 'string', default: '30' },
      jobs: { type: 'string', default: '200' },
      seed: { type: 'string' },
    },
  });
  const only = (values.only?.split(',') ?? [...DRILLS]) as Drill[];
  const unknown = only.filter((drill) => !DRILLS.includes(drill));
  if (unknown.length) throw new Error(`unknown drill ${unknown.join(', ')}; choose from ${DRILLS.join(', ')}`);
  const positive = (flag: string, value: string) => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < 1) throw new Error(`--${flag} must be a positive integer, not '${value}'`);
    return parsed;
  };
  const fuzzEvents = positive('fuzz-events', values['fuzz-events']);
  const loadSeconds = positive('load-seconds', values['load-seconds']);
  const jobCount = positive('jobs', values.jobs);
  const seed = values.seed === undefined ? undefined : positive('seed', values.seed);

  const drills: Record<Drill, () => Promise<DrillResult>> = {
    load: () => loadDrill(loadSeconds),
    shutdown: () => shutdownDrill(50),
    fuzz: () => fuzzDrill(fuzzEvents, seed),
    'bad-input': () => badInputDrill(50),
    jobs: () => jobsDrill(jobCount),
  };
  let failed = 0;
  for (const name of only) {
    const started = Date.now();
    let result: DrillResult;
    try {
      result = await drills[name]();
    } catch (err) {
      result = { name, failures: [`the drill itself failed: ${(err as Error).message}`], figures: [] };
    }
    const passed = result.failures.length === 0;
    if (!passed) failed += 1;
    console.log(`\n${passed ? 'PASS' : 'FAIL'} ${result.name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    for (const figure of result.figures) console.log(`  ${figure}`);
    for (const failure of result.failures) console.log(`  ✗ ${failure}`);
  }
  console.log(`\n${only.length - failed} of ${only.length} drills passed`);
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error((err as Error).message);
    process.exit(2);
  },
);
