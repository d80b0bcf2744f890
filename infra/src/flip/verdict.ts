import type { Compute, SafetyNet } from '../config/environments';

/*
 * The safety net's judgement of one flip step: pure, so that what it promises is checked by
 * properties (verdict.test.ts) and not by examples alone.
 *
 * The compute gaining traffic (the candidate) is judged on its own numbers against the absolute
 * limits, and against the compute losing traffic (the baseline) in the same window when that one
 * served enough requests to compare with. The load balancer's own 5XX (a target that timed out or
 * answered nothing it could read) cannot be told apart by target group in CloudWatch, and the step
 * is what changed, so they count against it.
 */

/** One compute's numbers over the window: its target group's metrics. */
export interface ComputeNumbers {
  /** RequestCount. */
  readonly requests: number;
  /** HTTPCode_Target_5XX_Count, plus LambdaUserError and LambdaInternalError (Lambda) or TargetConnectionErrorCount (Fargate). */
  readonly errors: number;
  /** p99 TargetResponseTime in milliseconds; undefined when it had no request. */
  readonly p99Ms: number | undefined;
}

export interface StepWindow {
  readonly candidate: Compute;
  readonly computes: Readonly<Record<Compute, ComputeNumbers>>;
  /** The load balancer's RequestCount and HTTPCode_ELB_5XX_Count. */
  readonly loadBalancer: { readonly requests: number; readonly elb5xx: number };
}

export type Limits = Pick<
  SafetyNet,
  'maxErrorRate' | 'maxP99Ms' | 'minRequests' | 'maxErrorRateIncrease' | 'maxP99Ratio' | 'relativeP99FloorMs'
>;

/** One check: what was measured, against what, and whether it passed. */
export interface Finding {
  readonly check: string;
  readonly value: string;
  readonly limit: string;
  readonly ok: boolean;
  /** What a check that did not pass makes of the step: a limit breached fails it, too little data leaves it open. */
  readonly otherwise: 'fail' | 'inconclusive';
}

export type VerdictKind = 'pass' | 'inconclusive' | 'fail';

export interface Verdict {
  readonly kind: VerdictKind;
  /** Every check made: breaches first, then too little data, then what passed; the reason for the verdict is the first. */
  readonly findings: readonly Finding[];
}

export const other = (compute: Compute): Compute => (compute === 'lambda' ? 'fargate' : 'lambda');

const percent = (rate: number) => `${(rate * 100).toFixed(2)}%`;
const ms = (value: number) => `${Math.round(value)} ms`;
const rate = (errors: number, requests: number) => (requests > 0 ? errors / requests : 0);

export function judge(window: StepWindow, limits: Limits): Verdict {
  const { candidate } = window;
  const baseline = other(candidate);
  const mine = window.computes[candidate];
  const theirs = window.computes[baseline];
  const findings: Finding[] = [];
  const add = (check: string, value: string, limit: string, ok: boolean) => findings.push({ check, value, limit, ok, otherwise: 'fail' });

  const enough = mine.requests >= limits.minRequests;
  findings.push({
    check: `${candidate} requests`,
    value: String(mine.requests),
    limit: `at least ${limits.minRequests}`,
    ok: enough,
    otherwise: 'inconclusive',
  });

  // A breach certain whatever the missing requests would bring: with fewer than the minimum, the
  // errors are counted as if the minimum had been served and every other request had succeeded.
  const errorRate = rate(mine.errors, Math.max(mine.requests, limits.minRequests));
  const shownRate = rate(mine.errors, mine.requests);
  add(
    `${candidate} error rate`,
    `${percent(shownRate)} (${mine.errors} of ${mine.requests})`,
    `at most ${percent(limits.maxErrorRate)}`,
    errorRate <= limits.maxErrorRate,
  );
  if (enough && mine.p99Ms !== undefined)
    add(`${candidate} p99`, ms(mine.p99Ms), `at most ${ms(limits.maxP99Ms)}`, mine.p99Ms <= limits.maxP99Ms);

  const elbRate = rate(window.loadBalancer.elb5xx, Math.max(window.loadBalancer.requests, limits.minRequests));
  add(
    "load balancer's own 5XX",
    `${percent(rate(window.loadBalancer.elb5xx, window.loadBalancer.requests))} (${window.loadBalancer.elb5xx} of ${window.loadBalancer.requests})`,
    `at most ${percent(limits.maxErrorRate)}`,
    elbRate <= limits.maxErrorRate,
  );

  // Against the baseline, only when both served enough to compare.
  if (enough && theirs.requests >= limits.minRequests) {
    const increase = shownRate - rate(theirs.errors, theirs.requests);
    add(
      `${candidate} error rate over ${baseline}'s`,
      `${increase >= 0 ? '+' : ''}${(increase * 100).toFixed(2)} points`,
      `at most +${(limits.maxErrorRateIncrease * 100).toFixed(2)} points`,
      increase <= limits.maxErrorRateIncrease,
    );
    if (mine.p99Ms !== undefined && theirs.p99Ms !== undefined) {
      const slower = mine.p99Ms > limits.relativeP99FloorMs && mine.p99Ms > limits.maxP99Ratio * theirs.p99Ms;
      add(
        `${candidate} p99 against ${baseline}'s`,
        `${ms(mine.p99Ms)} vs ${ms(theirs.p99Ms)}`,
        `at most ${limits.maxP99Ratio}× when over ${ms(limits.relativeP99FloorMs)}`,
        !slower,
      );
    }
  }

  const open = findings.filter((f) => !f.ok);
  const kind: VerdictKind = open.some((f) => f.otherwise === 'fail') ? 'fail' : open.length ? 'inconclusive' : 'pass';
  const order = (f: Finding) => (f.ok ? 2 : f.otherwise === 'fail' ? 0 : 1);
  return { kind, findings: [...findings].sort((a, b) => order(a) - order(b)) };
}

/** What happens after a verdict: the next step, staying where the step left traffic, or back to the split before it. */
export type Decision =
  { readonly action: 'continue' } | { readonly action: 'hold' } | { readonly action: 'rollback'; readonly lambdaWeight: number };

/**
 * The decision for a step that moved traffic from `previousLambdaWeight`: a failure always goes back to
 * it, and an inconclusive step does what the environment says.
 */
export function decide(verdict: Verdict, previousLambdaWeight: number, onInconclusive: SafetyNet['onInconclusive']): Decision {
  if (verdict.kind === 'pass') return { action: 'continue' };
  if (verdict.kind === 'inconclusive' && onInconclusive === 'hold') return { action: 'hold' };
  return { action: 'rollback', lambdaWeight: previousLambdaWeight };
}

/** The split traffic had before step `index` of a flip that started at `start`: where a rollback of that step goes. */
export function splitBefore(start: number, stepWeights: readonly number[], index: number): number {
  if (!Number.isInteger(index) || index < 0 || index >= stepWeights.length)
    throw new Error(`no step ${index + 1} in a flip of ${stepWeights.length}`);
  return index === 0 ? start : stepWeights[index - 1]!;
}

/** The verdict as an on-call engineer reads it: the verdict, then each check with its value and limit. */
export function describeVerdict(verdict: Verdict): string[] {
  const head = { pass: 'PASS', inconclusive: 'INCONCLUSIVE', fail: 'FAIL' }[verdict.kind];
  const width = Math.max(...verdict.findings.map((f) => f.check.length));
  return [
    `verdict: ${head}`,
    ...verdict.findings.map(
      (f) => `  ${f.ok ? 'ok  ' : f.otherwise === 'fail' ? 'FAIL' : 'LOW '} ${f.check.padEnd(width)}  ${f.value}  (${f.limit})`,
    ),
  ];
}
