import { INLINE_JOB_DEADLINE_SLACK_MS, TASK_JOB_DEADLINE_SLACK_MS } from '@switchyard/domain/timing-budget';
import { createHash, randomUUID } from 'node:crypto';
import type { Compute } from '../routes/root';
import type { RunsOn } from './job-record';

/**
 * Where a job runs. Longer than the inline limit: a one-off Fargate task, on either compute. Shorter:
 * the API's own process on Fargate, or an asynchronous invocation of the function on Lambda.
 */
export function placeJob(expectedMs: number, compute: Compute, inlineMaxMs: number): RunsOn {
  if (expectedMs > inlineMaxMs) return 'fargate-task';
  return compute === 'lambda' ? 'lambda-async' : 'inline';
}

/** When an unfinished job stops counting as running. */
export function deadlineFor(runsOn: RunsOn, expectedMs: number, now: Date): string {
  const slack = runsOn === 'fargate-task' ? TASK_JOB_DEADLINE_SLACK_MS : INLINE_JOB_DEADLINE_SLACK_MS;
  return new Date(now.getTime() + expectedMs + slack).toISOString();
}

/**
 * A job's id. With an Idempotency-Key it is derived from the key (a UUID-shaped SHA-256 of it), so a
 * retried request lands on the same record through one conditional write; without one, random.
 */
export function jobIdFor(idempotencyKey: string | undefined): string {
  if (idempotencyKey === undefined) return randomUUID();
  const hex = createHash('sha256').update(`switchyard-job:${idempotencyKey}`).digest('hex');
  // Version 8 (RFC 9562: custom) and the RFC variant bits, so it reads as a valid UUID.
  const version = `8${hex.slice(13, 16)}`;
  const variant = ((parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16) + hex.slice(17, 20);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${version}-${variant}-${hex.slice(20, 32)}`;
}

/** What the request asked for, so a key reused for a different request is caught. */
export function fingerprintOf(request: unknown): string {
  return createHash('sha256').update(JSON.stringify(request)).digest('hex');
}
