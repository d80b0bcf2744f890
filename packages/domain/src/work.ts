import { setTimeout as sleep } from 'node:timers/promises';

export const MIN_WORK_MS = 0;
/** The longest request: every timeout in timing-budget.ts is derived from it. */
export const MAX_WORK_MS = 30_000;

export function isWorkDuration(ms: number): boolean {
  return Number.isInteger(ms) && ms >= MIN_WORK_MS && ms <= MAX_WORK_MS;
}

/** Simulated work: resolves after `ms` milliseconds. Rejects (a caller bug) outside 0..30000. */
export async function work(ms: number): Promise<{ sleptMs: number }> {
  if (!isWorkDuration(ms)) {
    throw new RangeError(`work duration must be an integer from ${MIN_WORK_MS} to ${MAX_WORK_MS} ms, got ${ms}`);
  }
  await sleep(ms);
  return { sleptMs: ms };
}
