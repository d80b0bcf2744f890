import { parseArgs } from 'node:util';
import { badInputDrill } from './drill/bad-input';
import { FLIP_DRILL_DEFAULTS, flipDrill } from './drill/flip';
import { fuzzDrill } from './drill/fuzz';
import { jobsDrill } from './drill/jobs';
import { SAFETY_NET_DRILL_DEFAULTS, safetyNetDrill } from './drill/safety-net';
import { loadDrill } from './drill/load';
import type { DrillResult } from './drill/result';
import { cliArgs } from './paths';
import { shutdownDrill } from './drill/shutdown';

/*
 * pnpm drill [--only load,shutdown,fuzz,bad-input,jobs,flip,safety-net] [--fuzz-events 10000] [--load-seconds 30] [--jobs 200] [--seed N]
 *            [--rule-delays 0,20] [--rate 20] [--skip-unsafe] [--bake 2] [--bundles]
 * Loopback only; every drill is bounded and stops by itself. Exits 1 when any drill fails. The flip
 * drill deploys a sandbox and takes about half an hour, and the safety-net drill about ten minutes, so they
 * run only when named.
 */
const DRILLS = ['load', 'shutdown', 'fuzz', 'bad-input', 'jobs', 'flip', 'safety-net'] as const;
const BY_DEFAULT: readonly Drill[] = ['load', 'shutdown', 'fuzz', 'bad-input', 'jobs'];
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
      'rule-delays': { type: 'string', default: FLIP_DRILL_DEFAULTS.ruleDelays.join(',') },
      rate: { type: 'string', default: String(FLIP_DRILL_DEFAULTS.rate) },
      'skip-unsafe': { type: 'boolean', default: false },
      bake: { type: 'string', default: String(SAFETY_NET_DRILL_DEFAULTS.bakeMinutes) },
      bundles: { type: 'boolean', default: false },
    },
  });
  const only = (values.only?.split(',') ?? [...BY_DEFAULT]) as Drill[];
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
  const rate = positive('rate', values.rate);
  const bakeMinutes = positive('bake', values.bake);
  const ruleDelays = values['rule-delays'].split(',').map((text) => {
    const seconds = Number(text);
    if (text.trim() === '' || !Number.isInteger(seconds) || seconds < 0 || seconds > 600)
      throw new Error(`--rule-delays takes whole seconds from 0 to 600, comma-separated, not '${values['rule-delays']}'`);
    return seconds;
  });

  const drills: Record<Drill, () => Promise<DrillResult>> = {
    load: () => loadDrill(loadSeconds),
    shutdown: () => shutdownDrill(50),
    fuzz: () => fuzzDrill(fuzzEvents, seed),
    'bad-input': () => badInputDrill(50),
    jobs: () => jobsDrill(jobCount),
    flip: () => flipDrill({ ruleDelays, rate, unsafe: !values['skip-unsafe'], bundles: values.bundles }),
    'safety-net': () => safetyNetDrill({ rate, bakeMinutes, bundles: values.bundles }),
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
