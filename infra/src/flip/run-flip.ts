import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Compute, SafetyNet } from '../config/environments';
import { METRIC_PERIOD_SECONDS } from '../monitoring/alb-metrics';
import { clearFlipState, writeFlipState, type FlipState } from './flip-state';
import { confirmRule, setRuleLambdaWeight } from './listener-rule';
import type { StackIds } from './stack-ids';
import { bakeWindow, readMetrics, stepWindowOf, windowComplete, type MetricResults, type MetricWindow } from './step-metrics';
import { describeTraffic } from './traffic';
import { decide, describeVerdict, judge, splitBefore } from './verdict';

/*
 * A flip, step by step, from its state file (flip-state.ts): apply the step, confirm the listener
 * rule holds it, bake, judge, and then go on, hold, or roll back. Every transition is written before
 * it is acted on, so `--resume` picks up exactly where a stopped flip was.
 */

/** What `pnpm flip` exits with: scripts and CI tell the outcomes apart by it. */
export const FLIP_EXIT = {
  /** Traffic is where the flip was asked to put it (or, after --abort, back where it began). */
  done: 0,
  /** An apply failed: traffic is as the last successful apply left it; --resume retries. */
  applyFailed: 1,
  /** Bad input, or a flip that cannot start. */
  refused: 2,
  /** A step failed its judgement and traffic went back to the split before it. */
  rolledBack: 3,
  /** A step had too few requests to judge, and the environment holds: traffic stays; --resume or --abort. */
  held: 4,
} as const;

/** How long after a window closes its last minute may take to reach CloudWatch, before the flip judges what it has. */
export const METRICS_LAG_MS = 3 * 60_000;
const METRICS_POLL_MS = 10_000;

export interface FlipContext {
  readonly stateFile: string;
  readonly ids?: StackIds;
  readonly net: SafetyNet;
  readonly elb: ElasticLoadBalancingV2Client;
  readonly cloudwatch: CloudWatchClient;
  /** One ordinary apply of the stack at this split; resolves whether it succeeded. */
  readonly apply: (lambdaWeight: number) => Promise<boolean>;
  readonly log: (line: string) => void;
  readonly now?: () => Date;
  readonly sleep?: (ms: number) => Promise<void>;
}

const computeGaining = (from: number, to: number): Compute => (to > from ? 'lambda' : 'fargate');
const clock = (date: Date) => date.toISOString().slice(11, 16);

export class Flip {
  private state: FlipState;
  private readonly now: () => Date;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    state: FlipState,
    private readonly ctx: FlipContext,
  ) {
    this.state = state;
    this.now = ctx.now ?? (() => new Date());
    this.sleep = ctx.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  private save(change: Partial<FlipState>): void {
    const { version: _version, updatedAt: _updatedAt, ...rest } = { ...this.state, ...change };
    this.state = writeFlipState(this.ctx.stateFile, rest);
  }

  private get ids(): StackIds {
    if (!this.ctx.ids) throw new Error('the safety net needs the stack ids');
    return this.ctx.ids;
  }

  /** Runs the flip from where its state says it is, to one of FLIP_EXIT's outcomes. */
  async run(): Promise<number> {
    const { log } = this.ctx;
    while (this.state.step < this.state.steps.length) {
      const { step, steps, phase } = this.state;
      const to = steps[step]!;
      const from = splitBefore(this.state.start, steps, step);
      if (phase === 'rollback') return this.rollBack();
      if (phase === 'apply') {
        log(`\n== ${step + 1}/${steps.length}: ${describeTraffic(from)} → ${describeTraffic(to)}`);
        if (step > 0 && this.state.pauseMs && this.state.bakeMinutes === undefined) {
          log(`-- pausing ${this.state.pauseMs / 1000} s before this step (Ctrl-C stops here; traffic stays as it is)`);
          await this.sleep(this.state.pauseMs);
        }
        if (!(await this.ctx.apply(to))) {
          log(
            `flip: apply ${step + 1} failed; traffic is as the last successful apply left it. Fix the cause, then: pnpm flip ${this.state.environment} --resume (or --abort)`,
          );
          return FLIP_EXIT.applyFailed;
        }
        if (this.state.bakeMinutes === undefined) {
          this.save({ step: step + 1, phase: 'apply' });
          continue;
        }
        this.save({ phase: 'bake' });
        continue;
      }
      // bake, or a held step being judged again.
      const decision = await this.judgeStep(from, to);
      if (decision === 'continue') this.save({ step: step + 1, phase: 'apply' });
      else if (decision === 'hold') {
        this.save({ phase: 'held' });
        log(
          `\nHeld at ${describeTraffic(to)}: too few requests to judge. Traffic stays as it is.\n` +
            `  pnpm flip ${this.state.environment} --resume   judges this step again, then goes on\n` +
            `  pnpm flip ${this.state.environment} --abort    goes back to ${describeTraffic(this.state.start)}, where the flip began`,
        );
        return FLIP_EXIT.held;
      } else {
        this.save({ phase: 'rollback', rollbackTo: from });
        return this.rollBack();
      }
    }
    clearFlipState(this.ctx.stateFile);
    return FLIP_EXIT.done;
  }

  /** Confirms the rule, bakes and judges the step just applied. */
  private async judgeStep(from: number, to: number): Promise<'continue' | 'hold' | 'rollback'> {
    const { log, net } = this.ctx;
    await confirmRule(this.ctx.elb, this.ids, to);
    const candidate = computeGaining(from, to);
    const window = bakeWindow(this.now(), this.state.bakeMinutes!);
    log(
      `-- the listener rule holds ${describeTraffic(to)} (DescribeRules). Judging ${candidate} on ` +
        `${clock(window.start)}–${clock(window.end)} UTC: ${this.state.bakeMinutes} whole minute(s) after the change`,
    );
    const results = await this.waitForMetrics(window);
    const verdict = judge(stepWindowOf(results, candidate), net);
    for (const line of describeVerdict(verdict)) log(line);
    return decide(verdict, from, net.onInconclusive).action;
  }

  private async waitForMetrics(window: MetricWindow): Promise<MetricResults> {
    const wait = window.end.getTime() - this.now().getTime();
    if (wait > 0) await this.sleep(wait);
    const giveUp = window.end.getTime() + METRICS_LAG_MS;
    for (;;) {
      const results = await readMetrics(this.ctx.cloudwatch, this.ids, window);
      if (windowComplete(results, window)) return results;
      if (this.now().getTime() >= giveUp) {
        this.ctx.log(
          `-- the last minute of the window did not reach CloudWatch within ${METRICS_LAG_MS / 60_000} min; judging what is there`,
        );
        return results;
      }
      await this.sleep(METRICS_POLL_MS);
    }
  }

  /** The rule first (traffic is back in seconds), then an ordinary apply so Terraform's state agrees. */
  private async rollBack(): Promise<number> {
    const { log } = this.ctx;
    const to = this.state.rollbackTo!;
    const started = this.now().getTime();
    await setRuleLambdaWeight(this.ctx.elb, this.ids, to);
    await confirmRule(this.ctx.elb, this.ids, to);
    log(
      `\n!! rolled back: the listener rule holds ${describeTraffic(to)} again, ${((this.now().getTime() - started) / 1000).toFixed(1)} s after the verdict (ModifyRule)`,
    );
    log(`-- now an apply at ${describeTraffic(to)}, so that Terraform's state holds the split too`);
    if (!(await this.ctx.apply(to))) {
      log(
        `flip: the apply after the rollback failed; traffic is at ${describeTraffic(to)} on the rule. Fix the cause, then: pnpm flip ${this.state.environment} --resume`,
      );
      return FLIP_EXIT.applyFailed;
    }
    clearFlipState(this.ctx.stateFile);
    log(`${this.state.stack} is back at ${describeTraffic(to)}.`);
    return FLIP_EXIT.rolledBack;
  }
}

/** What `--dry-run` says each step would be judged on. */
export function describeJudgement(net: SafetyNet, bakeMinutes: number): string[] {
  return [
    `Each step: apply, confirm the listener rule (DescribeRules), then ${bakeMinutes} whole minute(s) of the ALB's metrics ` +
      `(${METRIC_PERIOD_SECONDS}-s periods, from the first whole minute after the change), judged on the compute gaining traffic:`,
    `  pass when it served at least ${net.minRequests} requests, its error rate (target 5XX + Lambda errors) is at most ` +
      `${(net.maxErrorRate * 100).toFixed(2)}%, its p99 at most ${net.maxP99Ms} ms, and the load balancer's own 5XX at most ${(net.maxErrorRate * 100).toFixed(2)}%;`,
    `  and, when the other compute served at least ${net.minRequests} too: an error rate at most ${(net.maxErrorRateIncrease * 100).toFixed(2)} ` +
      `points above it, a p99 at most ${net.maxP99Ratio}× its own (when over ${net.relativeP99FloorMs} ms);`,
    `  fail: roll back to the split before the step (ModifyRule, then an apply); too few requests: ${net.onInconclusive}.`,
  ];
}
