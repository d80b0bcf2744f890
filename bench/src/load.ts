import autocannon from 'autocannon';
import { cpuSecondsOf } from './processes';

/*
 * The HTTP bench's load: it warms the server up, then applies the measured load, reading the
 * server's CPU time (/proc) and its own just before and just after, so both cover exactly the
 * measured requests. It runs in a process of its own so it can have a CPU of its own
 * (load-worker.ts, cpu-pinning.ts); method-split.ts also runs it in the bench's own process, as the
 * suite once did.
 */
export interface LoadJob {
  url: string;
  connections: number;
  /** Requests a connection sends before it waits for answers; 1 is one at a time, as an ALB sends them. */
  pipelining: number;
  warmupSeconds: number;
  durationSeconds: number;
  serverPid: number;
}

export interface LoadResult {
  requests: number;
  requestsPerSecond: number;
  /** Connection errors. */
  errors: number;
  /** Requests unanswered within autocannon's timeout (10 s). */
  timeouts: number;
  non2xx: number;
  seconds: number;
  serverCpuSeconds: number;
  loadCpuSeconds: number;
  /** The measured load's start and end on the monotonic clock, in µs: the clock V8's CPU profiles keep. */
  window: [number, number];
}

async function apply(job: LoadJob, seconds: number) {
  const result = await autocannon({ url: job.url, connections: job.connections, pipelining: job.pipelining, duration: seconds });
  return { requests: result.requests.total, errors: result.errors, timeouts: result.timeouts, non2xx: result.non2xx };
}

export async function measureLoad(job: LoadJob): Promise<LoadResult> {
  await apply(job, job.warmupSeconds);
  const serverBefore = cpuSecondsOf(job.serverPid);
  const ownBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  const { requests, errors, timeouts, non2xx } = await apply(job, job.durationSeconds);
  const ended = process.hrtime.bigint();
  const seconds = Number(ended - started) / 1e9;
  const own = process.cpuUsage(ownBefore);
  return {
    requests,
    requestsPerSecond: requests / seconds,
    errors,
    timeouts,
    non2xx,
    seconds,
    serverCpuSeconds: cpuSecondsOf(job.serverPid) - serverBefore,
    loadCpuSeconds: (own.user + own.system) / 1e6,
    window: [Number(started / 1000n), Number(ended / 1000n)],
  };
}

/** A load that lost or failed requests measured something else than the server's work: it fails the measurement. */
export class LoadFailed extends Error {
  override name = 'LoadFailed';
}

export function assertClean(server: string, { errors, timeouts, non2xx }: LoadResult): void {
  if (errors || timeouts || non2xx)
    throw new LoadFailed(`${server}: ${errors} connection errors, ${timeouts} timeouts and ${non2xx} non-2xx answers under load`);
}

/**
 * `measure` (a fresh server under load), taken again once if its load failed. On a busy 2-core
 * machine a server now and then fails a few requests of a round that a fresh one does not (express 5
 * once: 60 of about 140,000); one such round should not throw away the suite's other figures. A
 * second failure in a row fails the suite, and each retry is printed.
 */
export async function measuredWithOneRetry<T>(measure: () => Promise<T>): Promise<T> {
  try {
    return await measure();
  } catch (err) {
    if (!(err instanceof LoadFailed)) throw err;
    console.error(`  ${err.message}; measured again with a fresh server`);
    return measure();
  }
}
