import type { Compute } from '../config/environments';
import { describeTraffic } from './traffic';

export interface FlipStep {
  /** TF_VAR_lambda_weight for this apply. */
  readonly lambdaWeight: number;
  readonly summary: string;
}

/**
 * The applies that move traffic from `current` to `target` (both percent to Lambda). Each is one
 * ordinary apply of the stack, which is safe on its own: capacity comes up, and is healthy, before
 * routing reaches it, and routing leaves before capacity goes. `ramp` lists the shares of traffic
 * the target compute gets along the way (e.g. 10, 50, 100); without it, one step.
 */
export function planFlip(current: number, target: Compute | number, ramp: readonly number[] = []): FlipStep[] {
  const targetWeight = target === 'lambda' ? 100 : target === 'fargate' ? 0 : target;
  if (ramp.length && typeof target === 'number')
    throw new Error('--ramp needs a compute (lambda or fargate) as the target, not a percentage');
  const weights = ramp.length ? ramp.map((share) => (target === 'lambda' ? share : 100 - share)) : [targetWeight];
  if (weights[weights.length - 1] !== targetWeight) throw new Error('--ramp must end at 100 (all traffic on the target)');
  const steps: FlipStep[] = [];
  let from = current;
  for (const weight of weights) {
    // Steps that would not move traffic, or would move it back, are left out.
    const towardTarget = Math.abs(targetWeight - weight) < Math.abs(targetWeight - from);
    if (!towardTarget) continue;
    steps.push({ lambdaWeight: weight, summary: `${describeTraffic(from)} → ${describeTraffic(weight)}` });
    from = weight;
  }
  return steps;
}

/** "10,50,100" → [10, 50, 100]: whole percentages, rising, each from 1 to 100. */
export function parseRamp(text: string): number[] {
  const shares = text.split(',').map((part) => part.trim());
  if (!shares.every((share) => /^\d{1,3}$/.test(share)))
    throw new Error(`--ramp "${text}" must be comma-separated whole percentages, e.g. 10,50,100`);
  const numbers = shares.map(Number);
  if (numbers.some((n) => n < 1 || n > 100) || numbers.some((n, i) => i > 0 && n <= numbers[i - 1]!))
    throw new Error(`--ramp "${text}" must rise from 1 to 100, e.g. 10,50,100`);
  return numbers;
}

/** "90s", "5m", "1h" → milliseconds. */
export function parsePause(text: string): number {
  const match = /^(\d+)(s|m|h)$/.exec(text.trim());
  if (!match) throw new Error(`--pause "${text}" must be a number with s, m or h, e.g. 5m`);
  return Number(match[1]) * { s: 1000, m: 60_000, h: 3_600_000 }[match[2] as 's' | 'm' | 'h'];
}

/** The split a deployed stack reports in its `traffic_weights` output (`terraform output -json`). */
export function liveLambdaWeight(outputJson: string): number {
  let parsed: unknown;
  try {
    parsed = JSON.parse(outputJson);
  } catch {
    throw new Error('the stack has no readable outputs; deploy it once before flipping');
  }
  const weights = (parsed as { traffic_weights?: { value?: { lambda?: unknown } } }).traffic_weights?.value;
  const lambda = weights?.lambda;
  if (typeof lambda !== 'number' || !Number.isInteger(lambda) || lambda < 0 || lambda > 100)
    throw new Error('the stack reports no traffic_weights output; deploy it once before flipping');
  return lambda;
}
