import { JobCancelled, runJob, type JobRequest } from '@switchyard/domain/jobs';
import type { JobStore } from './store';

/** Progress is written at most this often: a 100,000-item batch reports a hundred times in a second. */
export const PROGRESS_INTERVAL_MS = 1_000;
/** A job's reads and writes of its record are retried this long (a table restarting, a throttle) before it is given up. */
const TABLE_RETRY_MS = 60_000;

export const INTERRUPTED = { code: 'INTERRUPTED', message: 'The job was stopped before it finished (its process was told to stop)' };

export interface RunOutcome {
  /** False when the job was not queued: another runner took it, it finished, or it does not exist. */
  ran: boolean;
  status?: 'succeeded' | 'failed';
}

type Log = { warn(fields: object, message: string): void; error(fields: object, message: string): void };

/** Retries a table call that fails (a table restarting, a throttle) for up to a minute before it gives up. */
async function withRetries<T>(call: () => Promise<T>, log: Log, id: string, what: string): Promise<T> {
  const deadline = Date.now() + TABLE_RETRY_MS;
  for (let delay = 250; ; delay = Math.min(delay * 2, 5_000)) {
    try {
      return await call();
    } catch (error) {
      if (Date.now() + delay > deadline) throw error;
      log.warn({ jobId: id, err: error }, `could not ${what}; retrying`);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

/**
 * Runs one queued job to its end and records it: the same code in the API's process, in an
 * asynchronous Lambda invocation and in a one-off task. A stop (the signal) records INTERRUPTED, so
 * a stopped process leaves no job running; a process killed outright leaves it to its deadline.
 */
export async function executeJob(store: JobStore, id: string, log: Log, signal?: AbortSignal): Promise<RunOutcome> {
  // A job process that gives up here would leave its job queued until its deadline: it waits for the table instead.
  const record = await withRetries(() => store.get(id, { withInput: true }), log, id, 'read the job');
  if (!record || record.status !== 'queued' || !(await withRetries(() => store.start(id), log, id, 'start the job'))) return { ran: false };
  const request = { kind: record.kind, input: record.input } as JobRequest;
  const stopped = new AbortController();
  const onAbort = () => stopped.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  let lastWrite = 0;
  const report = async (progress: number) => {
    const now = Date.now();
    if (progress < 1 && now - lastWrite < PROGRESS_INTERVAL_MS) return;
    lastWrite = now;
    try {
      // False once the job no longer runs (a reader found it past its deadline): stop working on it.
      if (!(await store.progress(id, progress))) stopped.abort();
    } catch (error) {
      log.warn({ jobId: id, err: error }, 'could not record progress; the job goes on');
    }
  };
  try {
    const result = await runJob(request, report, stopped.signal);
    await withRetries(() => store.finish(id, { status: 'succeeded', result }), log, id, 'record the result');
    return { ran: true, status: 'succeeded' };
  } catch (error) {
    const failure = error instanceof JobCancelled ? INTERRUPTED : { code: 'JOB_FAILED', message: (error as Error).message };
    if (!(error instanceof JobCancelled)) log.error({ jobId: id, err: error }, 'job failed');
    await withRetries(() => store.finish(id, { status: 'failed', error: failure }), log, id, 'record the failure');
    return { ran: true, status: 'failed' };
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}
