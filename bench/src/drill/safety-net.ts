import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { METRICS_LAG_MS } from '@switchyard/infra/run-flip';
import { METRIC_PERIOD_SECONDS } from '@switchyard/infra/alb-metrics';
import { freezeTargetGroup, type FrozenTasks } from '@switchyard/sandbox/freeze-tasks';
import { Sandbox } from '@switchyard/sandbox/sandbox';
import { SANDBOX_LABEL } from '@switchyard/sandbox/sandbox-state';
import { startSteadyLoad, type Sample } from '@switchyard/sandbox/steady-load';
import { REPOSITORY_ROOT, RESULTS } from '../paths';
import { pnpmFlip, type FlipLine } from './pnpm-flip';
import type { DrillResult } from './result';

/*
 * The safety net's drill: the dev stack in a sandbox, steady load on its URL, and `pnpm flip dev
 * fargate --ramp 10,50,100`. Once the first step (10% to Fargate) is being judged, the Fargate tasks
 * freeze: they accept connections and answer nothing, so the load balancer answers 504 after its idle
 * timeout. The flip must roll back to Lambda by itself, and the requests lost meanwhile are bounded by
 * what reaches Fargate's share for the window the flip needs: the wait for a whole minute, the bake,
 * the metrics' lag, and the idle timeout of the requests already sent.
 */

export interface SafetyNetDrillOptions {
  /** Requests per second. @default 20 */
  readonly rate: number;
  /** The flip's --bake, in minutes. @default 2 */
  readonly bakeMinutes: number;
  readonly bundles: boolean;
}

export const SAFETY_NET_DRILL_DEFAULTS: SafetyNetDrillOptions = { rate: 20, bakeMinutes: 2, bundles: false };

/** The first step's share to Fargate: the ramp's first stop. */
const FIRST_SHARE = 0.1;
/** The load balancer's idle timeout: a request to a frozen task fails this long after it was sent. */
const IDLE_TIMEOUT_SECONDS = 60;
/** The drill's hard limit: the load stops by itself after this. */
const MAX_SECONDS = 20 * 60;
export const SAFETY_NET_RESULTS = join(RESULTS, 'safety-net-drill.json');
const README = join(REPOSITORY_ROOT, 'README.md');

/** What pnpm flip says itself, as against the apply's output it passes through. */
const FLIP_OWN_LINE = /^(verdict: | {2}(ok|FAIL|LOW) |!! |-- |switchyard-dev is )/;

const say = (line: string) => console.log(`  [safety-net drill] ${line}`);

export interface SafetyNetResults {
  readonly measuredAt: string;
  readonly rate: number;
  readonly bakeMinutes: number;
  readonly flipExitCode: number;
  readonly frozenAtSeconds?: number;
  readonly verdictAtSeconds?: number;
  readonly rolledBackAtSeconds?: number;
  readonly requests: number;
  readonly failed: number;
  readonly failedByOutcome: Record<string, number>;
  readonly failedAfterRollback?: number;
  readonly bound: number;
  readonly verdict: readonly string[];
  readonly startedAt: string;
}

/** The README's sentence on the last drill. */
export function safetyNetClaim(r: SafetyNetResults): string {
  const seconds = (from?: number, to?: number) => (from === undefined || to === undefined ? '?' : (to - from).toFixed(0));
  return (
    `with the Fargate tasks frozen while the first step (10%) was judged, pnpm flip ` +
    (r.flipExitCode === 3 ? 'rolled back to Lambda by itself' : `exited ${r.flipExitCode}`) +
    ` ${seconds(r.frozenAtSeconds, r.rolledBackAtSeconds)} s after the freeze (a ${r.bakeMinutes}-minute bake); ` +
    `${r.failed.toLocaleString('en-US')} of ${r.requests.toLocaleString('en-US')} requests failed, within the ` +
    `${r.bound.toLocaleString('en-US')} the bake window bounds`
  );
}

export function withSafetyNetClaim(readme: string, results: SafetyNetResults): string {
  const match = /<!-- safety-net-claim -->[^]*?<!-- \/safety-net-claim -->/.exec(readme);
  if (!match) throw new Error('README.md: expected one "<!-- safety-net-claim -->...<!-- /safety-net-claim -->"');
  return readme.replace(match[0], `<!-- safety-net-claim -->${safetyNetClaim(results)}<!-- /safety-net-claim -->`);
}
const failed = (s: Sample) => s.outcome !== 'ok';

export async function safetyNetDrill(options: SafetyNetDrillOptions = SAFETY_NET_DRILL_DEFAULTS): Promise<DrillResult> {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-safety-net-drill-'));
  const sandbox = new Sandbox({ dir: join(dir, 'sandbox'), stdio: 'pipe' });
  let frozen: FrozenTasks | undefined;
  let frozenAtMs: number | undefined;
  const interrupted = (signal: NodeJS.Signals) => {
    say(`${signal}: taking the sandbox down`);
    frozen?.thaw();
    void sandbox.down().finally(() => {
      rmSync(dir, { recursive: true, force: true });
      process.exit(130);
    });
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  let code: number;
  let lines: FlipLine[];
  let samples: Sample[];
  let startedAt: number;
  try {
    say('deploying the dev stack into a sandbox of its own (a few minutes)');
    // Rule changes reach the load balancer at once, so a request sent after the rollback that fails is
    // the flip's fault, not the rule's delay (the flip drill measures late rule changes).
    const { outputs } = await sandbox.up('dev', { bundles: options.bundles, ruleDelay: { minSeconds: 0, maxSeconds: 0 } });
    const state = sandbox.running()!;
    const env = sandbox.environment(state);
    const url = String(outputs.service_url);
    const args = ['fargate', '--ramp', '10,50,100', '--bake', `${options.bakeMinutes}m`];
    say(`${options.rate} req/s on ${url}, then pnpm flip dev ${args.join(' ')}; the tasks freeze once step 1 is judged`);
    const load = startSteadyLoad({ url, rate: options.rate, maxSeconds: MAX_SECONDS, timeoutMs: (IDLE_TIMEOUT_SECONDS + 15) * 1000 });
    startedAt = load.startedAt;
    let freezing: Promise<FrozenTasks> | undefined;
    ({ code, lines } = await pnpmFlip(args, env, load.startedAt, (line) => {
      if (freezing || !line.line.includes('Judging fargate on')) return;
      frozenAtMs = line.atMs;
      freezing = freezeTargetGroup(
        state.endpoint,
        'switchyard-dev-fargate',
        state.mode === 'podman' ? `${SANDBOX_LABEL}=${sandbox.dir}` : undefined,
      );
      void freezing.then((f) => say(`froze ${f.frozen.length} task(s) at ${(line.atMs / 1000).toFixed(0)} s`));
    }));
    frozen = await freezing;
    // Requests sent before the rollback to the frozen tasks fail only when the idle timeout passes.
    await new Promise((resolve) => setTimeout(resolve, (IDLE_TIMEOUT_SECONDS + 5) * 1000));
    samples = await load.stop();
  } finally {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
    frozen?.thaw();
    await sandbox.down().catch((err: Error) => say(`sandbox down: ${err.message}`));
    rmSync(dir, { recursive: true, force: true });
  }

  const rolledBack = lines.find((l) => l.line.includes('!! rolled back'));
  const verdict = lines.find((l) => l.line.startsWith('verdict:'));
  const lost = samples.filter(failed);
  // Fargate's share of the load, from the freeze until the rule was back, plus the requests already
  // sent then: they fail an idle timeout later. The freeze-to-rollback time itself is bounded by a
  // whole minute's wait, the bake and the metrics' lag.
  const exposureSeconds = 60 + options.bakeMinutes * METRIC_PERIOD_SECONDS + METRICS_LAG_MS / 1000;
  const bound = Math.ceil(options.rate * FIRST_SHARE * (exposureSeconds + IDLE_TIMEOUT_SECONDS));
  const results: SafetyNetResults = {
    measuredAt: new Date().toISOString(),
    rate: options.rate,
    bakeMinutes: options.bakeMinutes,
    flipExitCode: code,
    frozenAtSeconds: frozenAtMs === undefined ? undefined : frozenAtMs / 1000,
    verdictAtSeconds: verdict && verdict.atMs / 1000,
    rolledBackAtSeconds: rolledBack && rolledBack.atMs / 1000,
    requests: samples.length,
    failed: lost.length,
    failedByOutcome: Object.fromEntries(
      ['timeout', 'server-error', 'reset', 'client-error'].map((o) => [o, lost.filter((s) => s.outcome === o).length]),
    ),
    failedAfterRollback: rolledBack ? lost.filter((s) => s.sentMs > rolledBack.atMs).length : undefined,
    bound,
    // The flip's own lines from the verdict on, without the apply's output between them.
    verdict: lines
      .slice(verdict ? lines.indexOf(verdict) : lines.length)
      .map((l) => l.line)
      .filter((line) => FLIP_OWN_LINE.test(line))
      .slice(0, 12),
    startedAt: new Date(startedAt!).toISOString(),
  };
  mkdirSync(dirname(SAFETY_NET_RESULTS), { recursive: true });
  writeFileSync(SAFETY_NET_RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(README, withSafetyNetClaim(readFileSync(README, 'utf8'), results));

  const failures: string[] = [];
  if (code !== 3)
    failures.push(
      `pnpm flip exited ${code}, not 3 (rolled back):\n${lines
        .slice(-25)
        .map((l) => l.line)
        .join('\n')}`,
    );
  if (!frozen) failures.push('the flip never said it was judging step 1, so nothing was frozen');
  if (frozen && lost.length === 0) failures.push('no request failed: the freeze did not take, and the drill proved nothing');
  if (lost.length > bound) failures.push(`${lost.length} requests failed, more than the ${bound} the bake window bounds`);
  if (results.failedAfterRollback) failures.push(`${results.failedAfterRollback} requests sent after the rollback failed`);
  return {
    name: 'safety-net',
    failures,
    figures: [
      `pnpm flip exited ${code}; froze at ${results.frozenAtSeconds?.toFixed(0)} s, verdict at ${results.verdictAtSeconds?.toFixed(0)} s, ` +
        `rule back at ${results.rolledBackAtSeconds?.toFixed(0)} s`,
      `${lost.length} of ${samples.length} requests failed ${JSON.stringify(results.failedByOutcome)}; the bound: ${bound} ` +
        `(${options.rate} req/s × ${FIRST_SHARE * 100}% × (${exposureSeconds} s + the ${IDLE_TIMEOUT_SECONDS} s idle timeout))`,
      `figures in ${SAFETY_NET_RESULTS}`,
    ],
  };
}
