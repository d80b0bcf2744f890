import type { Outcome, Sample } from '@switchyard/sandbox/steady-load';

/*
 * What a flip drill saw, second by second: who answered, what failed, and how slow it was in each
 * phase (before the first apply, during each apply, after it).
 */

/** One `pnpm flip` apply, as its output marked it. */
export interface ApplySpan {
  readonly label: string;
  readonly startMs: number;
  readonly endMs: number;
}

export interface FlipRun {
  /** e.g. "to Fargate (ramp 10,50,100), rule delay 20 s". */
  readonly name: string;
  readonly ruleDelaySeconds: number;
  /** A deliberately unsafe run, which must show failures for the drill to pass. */
  readonly unsafe: boolean;
  readonly samples: readonly Sample[];
  readonly applies: readonly ApplySpan[];
}

export const FAILED: readonly Outcome[] = ['server-error', 'reset', 'timeout'];
const failed = (s: Sample) => FAILED.includes(s.outcome);

export interface SecondCount {
  readonly second: number;
  /** "lambda", "fargate", or "failed". */
  readonly series: string;
  readonly count: number;
}

/** Requests by the second they were sent in, by who answered them, failures apart. */
export function perSecond(samples: readonly Sample[]): SecondCount[] {
  const counts = new Map<string, SecondCount>();
  for (const sample of samples) {
    const second = Math.floor(sample.sentMs / 1000);
    const series = failed(sample) ? 'failed' : (sample.compute ?? 'other');
    const key = `${second}/${series}`;
    const known = counts.get(key);
    counts.set(key, { second, series, count: (known?.count ?? 0) + 1 });
  }
  return [...counts.values()].sort((a, b) => a.second - b.second || a.series.localeCompare(b.series));
}

/** The value at quantile q (0–1) by the nearest-rank method; NaN for none. */
export function quantile(values: readonly number[], q: number): number {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export interface PhaseSummary {
  readonly phase: string;
  readonly requests: number;
  readonly failed: number;
  readonly byCompute: Record<string, number>;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/** The phases a run's requests fall in, by when they were sent: before, during each apply, between, after. */
export function phases(run: Pick<FlipRun, 'applies' | 'samples'>): Array<{ phase: string; startMs: number; endMs: number }> {
  const end = Math.max(0, ...run.samples.map((s) => s.sentMs)) + 1;
  const out: Array<{ phase: string; startMs: number; endMs: number }> = [];
  let cursor = 0;
  run.applies.forEach((apply, i) => {
    if (apply.startMs > cursor) out.push({ phase: i === 0 ? 'before' : `after apply ${i}`, startMs: cursor, endMs: apply.startMs });
    out.push({ phase: `apply ${i + 1}: ${apply.label}`, startMs: apply.startMs, endMs: apply.endMs });
    cursor = apply.endMs;
  });
  if (end > cursor) out.push({ phase: run.applies.length ? 'after' : 'steady', startMs: cursor, endMs: end });
  return out;
}

export function summarizePhases(run: Pick<FlipRun, 'applies' | 'samples'>): PhaseSummary[] {
  return phases(run).map(({ phase, startMs, endMs }) => {
    const inPhase = run.samples.filter((s) => s.sentMs >= startMs && s.sentMs < endMs);
    const byCompute: Record<string, number> = {};
    for (const s of inPhase) if (!failed(s) && s.compute) byCompute[s.compute] = (byCompute[s.compute] ?? 0) + 1;
    const latencies = inPhase.filter((s) => !failed(s)).map((s) => s.latencyMs);
    return {
      phase,
      requests: inPhase.length,
      failed: inPhase.filter(failed).length,
      byCompute,
      p50Ms: quantile(latencies, 0.5),
      p99Ms: quantile(latencies, 0.99),
    };
  });
}

export interface RunSummary {
  readonly name: string;
  readonly ruleDelaySeconds: number;
  readonly unsafe: boolean;
  readonly requests: number;
  readonly answered: number;
  readonly failed: Record<string, number>;
  readonly byCompute: Record<string, number>;
  readonly phases: PhaseSummary[];
}

export function summarizeRun(run: FlipRun): RunSummary {
  const failedBy: Record<string, number> = {};
  const byCompute: Record<string, number> = {};
  for (const s of run.samples) {
    if (failed(s)) failedBy[s.outcome] = (failedBy[s.outcome] ?? 0) + 1;
    else if (s.compute) byCompute[s.compute] = (byCompute[s.compute] ?? 0) + 1;
  }
  return {
    name: run.name,
    ruleDelaySeconds: run.ruleDelaySeconds,
    unsafe: run.unsafe,
    requests: run.samples.length,
    answered: run.samples.filter((s) => !failed(s)).length,
    failed: failedBy,
    byCompute,
    phases: summarizePhases(run),
  };
}

export const failedCount = (summary: RunSummary) => Object.values(summary.failed).reduce((a, b) => a + b, 0);

/**
 * Reads `pnpm flip`'s output, line by line as it came with the time it came, into its applies:
 * each starts at its "== i/n: summary" line and ends at the next one or at the closing "is now" line.
 */
export function appliesFromFlipOutput(lines: ReadonlyArray<{ atMs: number; line: string }>): ApplySpan[] {
  const spans: ApplySpan[] = [];
  let open: { label: string; startMs: number } | undefined;
  for (const { atMs, line } of lines) {
    const step = /^== (\d+)\/(\d+): (.*)$/.exec(line.trim());
    const closing = / is now .*\.$/.test(line.trim()) || /^flip: apply \d+ failed/.test(line.trim());
    if ((step || closing) && open) {
      spans.push({ label: open.label, startMs: open.startMs, endMs: atMs });
      open = undefined;
    }
    if (step) open = { label: step[3]!, startMs: atMs };
  }
  return spans;
}

/** What the drill keeps of a run (bench/results/flip-drill.json): enough to redraw and re-judge it, without every sample. */
export interface RunRecord extends Omit<FlipRun, 'samples'> {
  readonly seconds: readonly SecondCount[];
  readonly summary: RunSummary;
}

export function recordOf(run: FlipRun): RunRecord {
  return {
    name: run.name,
    ruleDelaySeconds: run.ruleDelaySeconds,
    unsafe: run.unsafe,
    applies: run.applies,
    seconds: perSecond(run.samples),
    summary: summarizeRun(run),
  };
}

/** bench/results/flip-drill.json. */
export interface FlipDrillResults {
  readonly measuredAt: string;
  /** Requests per second. */
  readonly rate: number;
  readonly runs: RunRecord[];
}
