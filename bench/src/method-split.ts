import { PLACEMENT, placementNote } from './cpu-pinning';
import { assertClean, measuredWithOneRetry, measureLoad, type LoadJob, type LoadResult } from './load';
import { startServerProcess, type ServerUnderLoad } from './processes';
import { measured, pairedRatios, type Row } from './stats';
import { applyLoad, LOAD_SHAPES, serverNode, TARGETS, TIMING, type Timing } from './throughput';

/**
 * How the HTTP suite measures a server once was, and each change made to that since, one at a
 * time. Each change alters what a server's CPU per request counts:
 * - a load generator inside the bench's process competes with the bench's own work and lags, so
 *   the server finds fewer requests per read and pays the per-read and per-write system calls for
 *   fewer requests;
 * - with the scheduler placing both sides, they share a CPU now and then, with the same effect;
 * - the machine's Node and the image's Node differ in node:http's own cost.
 * Raw node:http suffers most, having the least other work to spread those costs over, and a cost
 * added to both sides pulls any ratio to it towards 1.
 */
export interface Method {
  name: string;
  /** Where autocannon runs: in the bench's own process, or in a load worker of its own. */
  load: 'in the bench' | 'own process';
  pinned: boolean;
  node: 'machine' | 'image';
}

export const METHODS: readonly Method[] = [
  {
    name: 'earlier method: load generator in the bench, scheduler placement, machine Node',
    load: 'in the bench',
    pinned: false,
    node: 'machine',
  },
  { name: 'load generator in its own process', load: 'own process', pinned: false, node: 'machine' },
  { name: 'and a CPU each', load: 'own process', pinned: true, node: 'machine' },
  { name: "and the image's Node: the suite's method", load: 'own process', pinned: true, node: 'image' },
];

async function measureOnce(method: Method, timing: Timing): Promise<LoadResult> {
  const { name, script, env } = TARGETS.rawHttp;
  const shape = LOAD_SHAPES[0] as (typeof LOAD_SHAPES)[number];
  let server: ServerUnderLoad | undefined;
  try {
    server = await startServerProcess(name, script(), env, {
      nodeBinary: method.node === 'image' ? serverNode() : process.execPath,
      cpu: method.pinned ? PLACEMENT?.server : undefined,
    });
    const job: LoadJob = {
      url: `${server.url}/hello?name=bench`,
      connections: shape.connections,
      pipelining: shape.pipelining,
      ...timing,
      serverPid: server.child.pid as number,
    };
    const result =
      method.load === 'in the bench' ? await measureLoad(job) : await applyLoad(job, method.pinned ? PLACEMENT?.load : undefined);
    assertClean(name, result);
    return result;
  } finally {
    await server?.stop();
  }
}

/**
 * Raw node:http under each method in turn, round after round, pipelining 10 (the shape the earlier
 * figures were taken in): its req/s and CPU per request, and each method's CPU per request over the
 * last method's (the suite's own) in the same round.
 */
export async function measureMethodSplit(rounds: number, timing: Timing = TIMING, methods = METHODS): Promise<Row[]> {
  const results = methods.map(() => [] as LoadResult[]);
  for (let round = 1; round <= rounds; round++) {
    for (const [i, method] of methods.entries()) {
      const result = await measuredWithOneRetry(() => measureOnce(method, timing));
      results[i]?.push(result);
      console.error(
        `  method, round ${round}: ${method.name}: ${Math.round(result.requestsPerSecond)} req/s, ` +
          `${((result.serverCpuSeconds * 1e6) / result.requests).toFixed(1)} µs server CPU/request`,
      );
    }
  }
  const cpuPerRequest = (i: number) => (results[i] ?? []).map((result) => (result.serverCpuSeconds * 1e6) / result.requests);
  // The last method is the suite's own, which every other is compared with.
  const current = methods.length - 1;
  const prefix = 'Raw node:http, pipelining 10';
  return methods.flatMap((method, i) => [
    {
      metric: `${prefix}, ${method.name}, req/s`,
      ...measured((results[i] ?? []).map((result) => result.requestsPerSecond)),
      unit: 'req/s',
      ...(i === 0
        ? { note: `${timing.durationSeconds} s after ${timing.warmupSeconds} s of warm-up; a CPU each: ${placementNote()}` }
        : {}),
    },
    { metric: `${prefix}, ${method.name}, server CPU per request`, ...measured(cpuPerRequest(i)), unit: 'µs' },
    ...(i === current
      ? []
      : [
          {
            metric: `${prefix}, ${method.name}: CPU per request / the suite's method`,
            ...measured(pairedRatios(cpuPerRequest(i), cpuPerRequest(current))),
            unit: '×',
          },
        ]),
  ]);
}
