import autocannon from 'autocannon';
import { cpuSecondsOf } from './processes';

/*
 * The HTTP bench's load generator, in a process of its own so it can have a CPU of its own
 * (cpu-pinning.ts): `node --import tsx load-worker.ts '<LoadJob as JSON>'`. It warms the server up,
 * then applies the measured load, reading the server's CPU time (/proc) and its own just before
 * and just after, so both cover exactly the measured requests. Prints one LoadResult as JSON.
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
  /** Connection errors and timeouts. */
  errors: number;
  non2xx: number;
  seconds: number;
  serverCpuSeconds: number;
  loadCpuSeconds: number;
  /** The measured load's start and end on the monotonic clock, in µs: the clock V8's CPU profiles keep. */
  window: [number, number];
}

async function apply(job: LoadJob, seconds: number) {
  const result = await autocannon({ url: job.url, connections: job.connections, pipelining: job.pipelining, duration: seconds });
  return { requests: result.requests.total, errors: result.errors + result.timeouts, non2xx: result.non2xx };
}

async function main(job: LoadJob): Promise<LoadResult> {
  await apply(job, job.warmupSeconds);
  const serverBefore = cpuSecondsOf(job.serverPid);
  const ownBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  const { requests, errors, non2xx } = await apply(job, job.durationSeconds);
  const ended = process.hrtime.bigint();
  const seconds = Number(ended - started) / 1e9;
  const own = process.cpuUsage(ownBefore);
  return {
    requests,
    requestsPerSecond: requests / seconds,
    errors,
    non2xx,
    seconds,
    serverCpuSeconds: cpuSecondsOf(job.serverPid) - serverBefore,
    loadCpuSeconds: (own.user + own.system) / 1e6,
    window: [Number(started / 1000n), Number(ended / 1000n)],
  };
}

main(JSON.parse(process.argv[2] ?? '') as LoadJob).then(
  (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
  (err: unknown) => {
    console.error((err as Error).stack ?? err);
    process.exit(1);
  },
);
