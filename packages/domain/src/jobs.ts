import { setImmediate as yieldToEventLoop, setTimeout as sleep } from 'node:timers/promises';
import { transform, TRANSFORMS, isLocaleTag, type TransformName } from './transforms';

/*
 * Background jobs: plain functions that take their input, report progress, and return a result.
 * Where a job runs (in the API's process, in an asynchronous Lambda invocation, or in a one-off
 * Fargate task) is decided elsewhere; the job itself is the same everywhere.
 */

export const JOB_KINDS = ['work', 'transform-batch'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

/** A `work` job sleeps for up to an hour: four times longer than Lambda lets any invocation run. */
export const MAX_WORK_JOB_MS = 3_600_000;
/** A `work` job reports progress after each step of at most this long. */
export const WORK_JOB_STEP_MS = 1_000;
export const MAX_BATCH_ITEMS = 100_000;
export const MAX_BATCH_ITEM_LENGTH = 1_000;
/** Items transformed between progress reports (and between turns of the event loop). */
const BATCH_CHUNK = 1_000;
/** What one transform costs, generously, to estimate a batch's run time (measured: well under 1 µs an item). */
const ESTIMATED_MS_PER_ITEM = 0.01;

export interface WorkJobInput {
  ms: number;
}
export interface TransformBatchInput {
  transform: TransformName;
  items: string[];
  locale?: string;
}
export type JobRequest = { kind: 'work'; input: WorkJobInput } | { kind: 'transform-batch'; input: TransformBatchInput };
export type JobResult = { sleptMs: number } | { results: string[] };

/** Reports progress from 0 to 1. */
export type ProgressReport = (progress: number) => void | Promise<void>;

/** Every problem with a job request, or none. Checked here so every compute refuses the same requests. */
export function jobProblems(request: JobRequest): string[] {
  switch (request.kind) {
    case 'work': {
      const { ms } = request.input;
      return Number.isInteger(ms) && ms >= 0 && ms <= MAX_WORK_JOB_MS ? [] : [`input.ms must be an integer from 0 to ${MAX_WORK_JOB_MS}`];
    }
    case 'transform-batch': {
      const { items, locale } = request.input;
      const problems: string[] = [];
      if (!TRANSFORMS.includes(request.input.transform)) problems.push(`input.transform must be one of ${TRANSFORMS.join(', ')}`);
      if (items.length > MAX_BATCH_ITEMS) problems.push(`input.items holds at most ${MAX_BATCH_ITEMS} strings`);
      if (items.some((item) => item.length > MAX_BATCH_ITEM_LENGTH))
        problems.push(`each of input.items is at most ${MAX_BATCH_ITEM_LENGTH} characters`);
      if (locale !== undefined && !isLocaleTag(locale)) problems.push('input.locale must be a BCP 47 language tag');
      return problems;
    }
  }
}

/** How long a job is expected to run: what placement decides by. */
export function estimatedRunMs(request: JobRequest): number {
  return request.kind === 'work' ? request.input.ms : Math.ceil(request.input.items.length * ESTIMATED_MS_PER_ITEM);
}

export class JobCancelled extends Error {
  override name = 'JobCancelled';
}

/**
 * Runs a job to its result. Progress is reported after each step; an aborted signal stops the job
 * between steps with JobCancelled, so whoever runs it can record why it stopped.
 */
export async function runJob(request: JobRequest, report: ProgressReport, signal?: AbortSignal): Promise<JobResult> {
  const problems = jobProblems(request);
  if (problems.length) throw new RangeError(problems.join('; '));
  const check = () => {
    if (signal?.aborted) throw new JobCancelled('the job was stopped before it finished');
  };
  switch (request.kind) {
    case 'work': {
      const { ms } = request.input;
      let slept = 0;
      while (slept < ms) {
        check();
        const step = Math.min(WORK_JOB_STEP_MS, ms - slept);
        await sleep(step, undefined, signal ? { signal } : undefined).catch((error: unknown) => {
          if (signal?.aborted) throw new JobCancelled('the job was stopped before it finished');
          throw error;
        });
        slept += step;
        await report(slept / ms);
      }
      if (ms === 0) await report(1);
      return { sleptMs: ms };
    }
    case 'transform-batch': {
      const { items, locale } = request.input;
      const results: string[] = [];
      for (let start = 0; start < items.length; start += BATCH_CHUNK) {
        check();
        for (const item of items.slice(start, start + BATCH_CHUNK)) results.push(transform(request.input.transform, item, locale));
        await report(results.length / items.length);
        await yieldToEventLoop();
      }
      if (items.length === 0) await report(1);
      return { results };
    }
  }
}
