import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/*
 * A flip in progress, on disk: written before each thing it does, so a flip that is stopped (Ctrl-C,
 * a lost terminal, a failed apply) can be finished with `pnpm flip <env> --resume` or undone with
 * `--abort`, and no second flip starts over it by accident.
 */

export type FlipPhase =
  /** Applying step `step`. */
  | 'apply'
  /** Step `step` is applied; its metrics are being waited for and judged. */
  | 'bake'
  /** Step `step` was inconclusive and the environment holds: traffic stays at its split. */
  | 'held'
  /** Going back to `rollbackTo`: the rule first, then an apply. */
  | 'rollback';

export interface FlipState {
  readonly version: 1;
  readonly stack: string;
  readonly environment: string;
  /** The Lambda weight when the flip began. */
  readonly start: number;
  /** Each step's Lambda weight. */
  readonly steps: readonly number[];
  readonly step: number;
  readonly phase: FlipPhase;
  readonly rollbackTo?: number;
  /** Whole minutes each step is judged on; absent with --analysis off. */
  readonly bakeMinutes?: number;
  readonly pauseMs: number;
  readonly updatedAt: string;
}

const PHASES: readonly FlipPhase[] = ['apply', 'bake', 'held', 'rollback'];
const isWeight = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 100;

/** Reads the state file; undefined when there is none, and a clear error for one that is not a flip's. */
export function readFlipState(file: string): FlipState | undefined {
  if (!existsSync(file)) return undefined;
  let state: Partial<FlipState>;
  try {
    state = JSON.parse(readFileSync(file, 'utf8')) as Partial<FlipState>;
  } catch {
    throw new Error(`${file} is not a flip's state (not JSON); remove it if no flip is in progress`);
  }
  const valid =
    state.version === 1 &&
    typeof state.stack === 'string' &&
    typeof state.environment === 'string' &&
    isWeight(state.start) &&
    Array.isArray(state.steps) &&
    state.steps.length > 0 &&
    state.steps.every(isWeight) &&
    Number.isInteger(state.step) &&
    state.step! >= 0 &&
    state.step! < state.steps.length &&
    PHASES.includes(state.phase!) &&
    (state.phase !== 'rollback' || isWeight(state.rollbackTo)) &&
    (state.bakeMinutes === undefined || (Number.isInteger(state.bakeMinutes) && state.bakeMinutes >= 1)) &&
    typeof state.pauseMs === 'number';
  if (!valid) throw new Error(`${file} is not a flip's state this version can finish; remove it if no flip is in progress`);
  return state as FlipState;
}

/** Writes the state whole or not at all: a flip stopped mid-write leaves the previous state. */
export function writeFlipState(file: string, state: Omit<FlipState, 'version' | 'updatedAt'>): FlipState {
  const full: FlipState = { version: 1, ...state, updatedAt: new Date().toISOString() };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(`${file}.next`, `${JSON.stringify(full, null, 2)}\n`);
  renameSync(`${file}.next`, file);
  return full;
}

export function clearFlipState(file: string): void {
  rmSync(file, { force: true });
}

/** One line on where an interrupted flip stands. */
export function describeFlipState(state: FlipState): string {
  const at = `step ${state.step + 1} of ${state.steps.length} (to ${state.steps[state.step]}% Lambda)`;
  switch (state.phase) {
    case 'apply':
      return `applying ${at}`;
    case 'bake':
      return `judging ${at}`;
    case 'held':
      return `held at ${at}: too few requests to judge it`;
    case 'rollback':
      return `rolling back ${at} to ${state.rollbackTo}% Lambda`;
  }
}
