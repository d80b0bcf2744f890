import type { JobKind, JobRequest, JobResult } from '@switchyard/domain/jobs';

export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/**
 * Where a job runs: in the API's own process (Fargate), in an asynchronous invocation of the same
 * function (Lambda), or in a one-off Fargate task of the same image (anything too long for either).
 */
export const RUNS_ON = ['inline', 'lambda-async', 'fargate-task'] as const;
export type RunsOn = (typeof RUNS_ON)[number];

export interface JobError {
  code: string;
  message: string;
}

/** One job, as stored. */
export interface JobRecord {
  id: string;
  kind: JobKind;
  /** Kept in items of its own (store.ts); present when read with it. */
  input?: JobRequest['input'];
  status: JobStatus;
  progress: number;
  runsOn: RunsOn;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  /** Past this, a job that has not finished reads as failed with TIMED_OUT. */
  deadlineAt: string;
  /** Kept in items of its own (store.ts); present on a succeeded job read with it. */
  result?: JobResult;
  error?: JobError;
  /** A hash of the request, so an Idempotency-Key reused for another request is refused. */
  fingerprint: string;
  /** Epoch seconds; DynamoDB's TTL removes finished jobs after this. */
  expiresAt?: number;
}

/** What GET /jobs/{id} answers: the record less what only the store and the runner need. */
export type JobView = Pick<
  JobRecord,
  'id' | 'kind' | 'status' | 'progress' | 'runsOn' | 'createdAt' | 'startedAt' | 'finishedAt' | 'result' | 'error'
>;

/** The most jobs one list answers with. */
export const MAX_LIST = 100;

export const TIMED_OUT: JobError = { code: 'TIMED_OUT', message: 'The job passed its deadline without finishing' };

export function isFinished(status: JobStatus): boolean {
  return status === 'succeeded' || status === 'failed';
}

/** The record as a reader should see it at `now`: a job past its deadline has failed, whatever was last written. */
export function asOf(record: JobRecord, now: Date): JobRecord {
  if (isFinished(record.status) || now.getTime() <= Date.parse(record.deadlineAt)) return record;
  return { ...record, status: 'failed', error: TIMED_OUT, finishedAt: record.deadlineAt };
}

export function toView(record: JobRecord): JobView {
  const { id, kind, status, progress, runsOn, createdAt, startedAt, finishedAt, result, error } = record;
  return {
    id,
    kind,
    status,
    progress,
    runsOn,
    createdAt,
    ...(startedAt ? { startedAt } : {}),
    ...(finishedAt ? { finishedAt } : {}),
    ...(result ? { result } : {}),
    ...(error ? { error } : {}),
  };
}
