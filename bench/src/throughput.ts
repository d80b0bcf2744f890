import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { PLACEMENT, pinnedCommand, placementNote } from './cpu-pinning';
import { assertClean, measuredWithOneRetry, type LoadJob, type LoadResult } from './load';
import { IMAGE_NODE_VERSION, nodeBinary } from './node-binaries';
import { API_DIST, PEERS } from './paths';
import { startServerProcess, type ServerUnderLoad } from './processes';
import { measured, pairedRatios, type Row } from './stats';

/** How the load arrives. Both keep connections open; they differ in how many requests each has in flight. */
export interface LoadShape {
  name: string;
  connections: number;
  pipelining: number;
  /** switchyard against express 5 in req/s; set where the goal was set, under pipelining. */
  expressGoal?: number;
}

/** Switchyard, logging on, against raw node:http, in req/s and in CPU per request, under every shape. */
const RAW_GOAL = 0.85;

export const LOAD_SHAPES: readonly LoadShape[] = [
  { name: 'pipelining 10', connections: 100, pipelining: 10, expressGoal: 3.5 },
  // How an ALB talks to its targets: kept-alive connections, one request at a time on each.
  { name: 'no pipelining', connections: 100, pipelining: 1 },
];

export interface Timing {
  warmupSeconds: number;
  durationSeconds: number;
}

export const TIMING: Timing = { warmupSeconds: 3, durationSeconds: 10 };

/** The servers run on the Node the image ships, which is what serves requests on Fargate. */
export const serverNode = () => nodeBinary(IMAGE_NODE_VERSION);

export const TARGETS = {
  switchyard: { name: 'switchyard (logging on)', script: () => join(API_DIST, 'server.js'), env: { LOG_LEVEL: 'info' } },
  switchyardLoggerOff: { name: 'switchyard (logging off)', script: () => join(API_DIST, 'server.js'), env: { LOG_LEVEL: 'silent' } },
  rawHttp: { name: 'raw node:http', script: () => join(PEERS, 'raw-http-server.js'), env: {} },
  express: { name: 'express 5', script: () => join(PEERS, 'express-app.js'), env: {} },
};
export type Target = keyof typeof TARGETS;

/** Runs the load worker on its CPU (`cpu`, by default the placement's) and returns what it measured. */
export function applyLoad(job: LoadJob, cpu = PLACEMENT?.load): Promise<LoadResult> {
  const [command, args] = pinnedCommand(cpu, process.execPath, ['--import', 'tsx', join(__dirname, 'load-worker.ts'), JSON.stringify(job)]);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(stdout) as LoadResult)
        : reject(new Error(`the load generator exited ${code}: ${stderr.slice(-2000)}`)),
    );
  });
}

interface Sample {
  requestsPerSecond: number;
  /** Server CPU time per request, µs. */
  serverCpu: number;
  /** Load generator CPU time per request, µs. */
  loadCpu: number;
  /** Share of one CPU each side kept busy: near 1 for the side that limits the rate. */
  serverBusy: number;
  loadBusy: number;
}

async function measureOnce(target: Target, shape: LoadShape, timing: Timing): Promise<Sample> {
  const { name, script, env } = TARGETS[target];
  let server: ServerUnderLoad | undefined;
  try {
    server = await startServerProcess(name, script(), env, { nodeBinary: serverNode(), cpu: PLACEMENT?.server });
    const result = await applyLoad({
      url: `${server.url}/hello?name=bench`,
      connections: shape.connections,
      pipelining: shape.pipelining,
      ...timing,
      serverPid: server.child.pid as number,
    });
    assertClean(name, result);
    return {
      requestsPerSecond: result.requestsPerSecond,
      serverCpu: (result.serverCpuSeconds * 1e6) / result.requests,
      loadCpu: (result.loadCpuSeconds * 1e6) / result.requests,
      serverBusy: result.serverCpuSeconds / result.seconds,
      loadBusy: result.loadCpuSeconds / result.seconds,
    };
  } finally {
    await server?.stop();
  }
}

/**
 * GET /hello?name=bench on each server in turn, round after round and shape after shape, so every
 * ratio compares two figures from the same round. One server runs at a time, on its own CPU, with
 * the load generator on the other (cpu-pinning.ts). Beside req/s, the server's own CPU time per
 * request (from /proc), which a busy machine disturbs less: it counts what the server did, not how
 * long it waited for a CPU. How busy each side was says which one set the rate.
 */
export async function measureThroughput(rounds: number, timing: Timing = TIMING, shapes = LOAD_SHAPES): Promise<Row[]> {
  const targets = Object.keys(TARGETS) as Target[];
  const samples = new Map<string, Sample[]>();
  const key = (shape: LoadShape, target: Target) => `${shape.name}/${target}`;
  for (let round = 1; round <= rounds; round++) {
    for (const shape of shapes) {
      for (const target of targets) {
        const sample = await measuredWithOneRetry(() => measureOnce(target, shape, timing));
        samples.set(key(shape, target), [...(samples.get(key(shape, target)) ?? []), sample]);
        console.error(
          `  ${shape.name}, round ${round}: ${TARGETS[target].name.padEnd(24)} ${Math.round(sample.requestsPerSecond)} req/s, ` +
            `${sample.serverCpu.toFixed(1)} µs server CPU/request (${Math.round(sample.serverBusy * 100)}% busy), ` +
            `load generator ${Math.round(sample.loadBusy * 100)}% busy`,
        );
      }
    }
  }
  return shapes.flatMap((shape) => shapeRows(shape, targets, (target) => samples.get(key(shape, target)) ?? [], timing));
}

function shapeRows(shape: LoadShape, targets: Target[], series: (target: Target) => Sample[], timing: Timing): Row[] {
  const of = (target: Target, field: keyof Sample) => series(target).map((sample) => sample[field]);
  const prefix = `HTTP, ${shape.name}`;
  const loadNote = `${shape.connections} connections, pipelining ${shape.pipelining}, ${timing.durationSeconds} s after ${timing.warmupSeconds} s of warm-up; ${placementNote()}`;
  // Switchyard's efficiency against a peer: its req/s over theirs, and their CPU per request over its own.
  const rateRatio = (a: Target, b: Target) => pairedRatios(of(a, 'requestsPerSecond'), of(b, 'requestsPerSecond'));
  const cpuRatio = (a: Target, b: Target) => pairedRatios(of(b, 'serverCpu'), of(a, 'serverCpu'));
  const atLeast = (target: number) => ({ goal: { direction: 'at-least' as const, target } });
  return [
    ...targets.map((target, i) => ({
      metric: `${prefix}: ${TARGETS[target].name}, req/s`,
      ...measured(of(target, 'requestsPerSecond')),
      unit: 'req/s',
      ...(i === 0 ? { note: loadNote } : {}),
    })),
    ...targets.map((target) => ({
      metric: `${prefix}: ${TARGETS[target].name}, server CPU per request`,
      ...measured(of(target, 'serverCpu')),
      unit: 'µs',
    })),
    ...targets.map((target) => ({
      metric: `${prefix}: ${TARGETS[target].name}, server's CPU busy`,
      ...measured(of(target, 'serverBusy')),
      unit: 'of a CPU',
      note: `load generator ${measured(of(target, 'loadBusy')).value.toFixed(2)} of a CPU, ${measured(of(target, 'loadCpu')).value.toFixed(1)} µs per request (medians)`,
    })),
    {
      metric: `${prefix}: switchyard / raw node:http, req/s`,
      ...measured(rateRatio('switchyard', 'rawHttp')),
      unit: '×',
      ...atLeast(RAW_GOAL),
    },
    {
      metric: `${prefix}: switchyard / raw node:http, CPU per request`,
      ...measured(cpuRatio('switchyard', 'rawHttp')),
      unit: '×',
      ...atLeast(RAW_GOAL),
    },
    {
      metric: `${prefix}: switchyard / express 5, req/s`,
      ...measured(rateRatio('switchyard', 'express')),
      unit: '×',
      ...(shape.expressGoal ? atLeast(shape.expressGoal) : {}),
    },
    {
      metric: `${prefix}: logging off / raw node:http, CPU per request`,
      ...measured(cpuRatio('switchyardLoggerOff', 'rawHttp')),
      unit: '×',
    },
  ];
}
