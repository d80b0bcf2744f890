import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ROUTING_SETTLE_SECONDS } from '@switchyard/domain/timing-budget';
import { Sandbox } from '@switchyard/sandbox/sandbox';
import { FLIP_REPORT, renderFlipReport } from './flip-report';
import { appliesFromFlipOutput, failedCount, recordOf, type FlipDrillResults, type RunRecord } from './flip-timeline';
import { pnpmFlip } from './pnpm-flip';
import type { DrillResult } from './result';
import { startSteadyLoad } from '@switchyard/sandbox/steady-load';

/*
 * The flip drill: the dev stack deployed into the sandbox, steady load on its URL through the
 * sandbox's load balancer, and real `pnpm flip` applies moving it to Fargate by a ramp and back to
 * Lambda, at each rule delay. Every request is counted. Then once more with the listener rule's
 * changes arriving later than the drain gate waits (ROUTING_SETTLE_SECONDS): that run must fail,
 * or the drill could not tell a safe flip from an unsafe one.
 */

export interface FlipDrillOptions {
  /** Each rule delay, in seconds, both directions are drilled at. @default [0, 20] */
  readonly ruleDelays: readonly number[];
  /** Requests per second. @default 20 */
  readonly rate: number;
  /** Run the unsafe variant too. @default true */
  readonly unsafe: boolean;
  /** Run the built bundles as processes rather than the image under podman. @default false */
  readonly bundles: boolean;
}

export const FLIP_DRILL_DEFAULTS: FlipDrillOptions = { ruleDelays: [0, 20], rate: 20, unsafe: true, bundles: false };

/** The unsafe variant's rule delay: the drain gate's pause and then some. */
const UNSAFE_RULE_DELAY_SECONDS = ROUTING_SETTLE_SECONDS + 15;
/** Load before the first apply, and after the last one once its rule change has arrived. */
const SETTLE_SECONDS = 5;
/** The drill's hard limit per run: the load stops by itself after this. */
const MAX_RUN_SECONDS = 20 * 60;

const say = (line: string) => console.log(`  [flip drill] ${line}`);

async function drillRun(
  sandbox: Sandbox,
  url: string,
  env: NodeJS.ProcessEnv,
  run: { name: string; flipArgs: string[]; ruleDelaySeconds: number; unsafe: boolean; rate: number },
): Promise<RunRecord> {
  sandbox.setRuleDelay({ minSeconds: run.ruleDelaySeconds, maxSeconds: run.ruleDelaySeconds });
  say(`${run.name}: ${run.rate} req/s on ${url}, then pnpm flip dev ${run.flipArgs.join(' ')}`);
  const load = startSteadyLoad({ url, rate: run.rate, maxSeconds: MAX_RUN_SECONDS });
  await new Promise((resolve) => setTimeout(resolve, SETTLE_SECONDS * 1000));
  // This drill measures the applies themselves, step after step; the safety net's judgement
  // between steps has a drill of its own (safety-net.ts).
  const flipped = await pnpmFlip([...run.flipArgs, '--analysis', 'off'], env, load.startedAt);
  if (flipped.code !== 0) {
    await load.stop();
    throw new Error(
      `pnpm flip dev ${run.flipArgs.join(' ')} failed (${flipped.code}):\n${flipped.lines
        .slice(-20)
        .map((l) => l.line)
        .join('\n')}`,
    );
  }
  // The last rule change reaches the load balancer this much later; keep counting past it.
  await new Promise((resolve) => setTimeout(resolve, (run.ruleDelaySeconds + SETTLE_SECONDS) * 1000));
  const samples = await load.stop();
  const record = recordOf({ ...run, samples, applies: appliesFromFlipOutput(flipped.lines) });
  say(
    `${run.name}: ${record.summary.requests} requests, ${failedCount(record.summary)} failed, ${JSON.stringify(record.summary.byCompute)}`,
  );
  return record;
}

export async function flipDrill(options: FlipDrillOptions = FLIP_DRILL_DEFAULTS): Promise<DrillResult> {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-flip-drill-'));
  const sandbox = new Sandbox({ dir: join(dir, 'sandbox'), stdio: 'pipe' });
  const records: RunRecord[] = [];
  // A Ctrl-C takes the sandbox down with the drill: nothing of it is left running.
  const interrupted = (signal: NodeJS.Signals) => {
    say(`${signal}: taking the sandbox down`);
    void sandbox.down().finally(() => {
      rmSync(dir, { recursive: true, force: true });
      process.exit(130);
    });
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    say('deploying the dev stack into a sandbox of its own (a few minutes)');
    const { outputs } = await sandbox.up('dev', { bundles: options.bundles, ruleDelay: { minSeconds: 0, maxSeconds: 0 } });
    const url = String(outputs.service_url);
    const env = sandbox.environment(sandbox.running()!);
    const both = (ruleDelaySeconds: number, unsafe = false) => [
      {
        name: `to Fargate by a ramp, rule changes ${ruleDelaySeconds} s late`,
        flipArgs: ['fargate', '--ramp', '10,50,100'],
        ruleDelaySeconds,
        unsafe: false,
      },
      { name: `back to Lambda, rule changes ${ruleDelaySeconds} s late`, flipArgs: ['lambda'], ruleDelaySeconds, unsafe },
    ];
    for (const delay of options.ruleDelays)
      for (const run of both(delay)) records.push(await drillRun(sandbox, url, env, { ...run, rate: options.rate }));
    if (options.unsafe) {
      const [there, back] = both(UNSAFE_RULE_DELAY_SECONDS, true);
      records.push(await drillRun(sandbox, url, env, { ...there!, rate: options.rate }));
      records.push(
        await drillRun(sandbox, url, env, {
          ...back!,
          name: `UNSAFE: back to Lambda, rule changes ${UNSAFE_RULE_DELAY_SECONDS} s late, past the ${ROUTING_SETTLE_SECONDS} s drain gate`,
          rate: options.rate,
        }),
      );
    }
  } finally {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
    await sandbox.down().catch((err: Error) => say(`sandbox down: ${err.message}`));
    rmSync(dir, { recursive: true, force: true });
  }

  const results: FlipDrillResults = { measuredAt: new Date().toISOString(), rate: options.rate, runs: records };
  mkdirSync(dirname(FLIP_REPORT.results), { recursive: true });
  writeFileSync(FLIP_REPORT.results, `${JSON.stringify(results, null, 2)}\n`);
  const report = await renderFlipReport(results);
  writeFileSync(FLIP_REPORT.svg, report.svg);
  writeFileSync(FLIP_REPORT.page, report.page);
  writeFileSync(FLIP_REPORT.readme, report.readme);

  const failures: string[] = [];
  for (const record of records) {
    const failed = failedCount(record.summary);
    if (!record.unsafe && failed) failures.push(`${record.name}: ${failed} requests failed (${JSON.stringify(record.summary.failed)})`);
    if (record.unsafe && !failed)
      failures.push(`${record.name}: no request failed, so the drill cannot tell an unsafe flip from a safe one`);
  }
  return {
    name: 'flip',
    failures,
    figures: [
      ...records.map(
        (r) =>
          `${r.name}: ${r.summary.requests} requests, ${failedCount(r.summary)} failed ${JSON.stringify(r.summary.failed)}, answered by ${JSON.stringify(r.summary.byCompute)}`,
      ),
      `figures in ${FLIP_REPORT.results}; the timeline in ${FLIP_REPORT.svg}; the tables in ${FLIP_REPORT.page}`,
    ],
  };
}
