import autocannon from 'autocannon';
import { join } from 'node:path';
import { API_DIST, PEERS } from './paths';
import { startServerProcess, type ServerUnderLoad } from './processes';
import { median, pairedRatios, spreadNote, type Row } from './stats';

export interface LoadOptions {
  connections: number;
  pipelining: number;
  durationSeconds: number;
}

export const LOAD: LoadOptions = { connections: 100, pipelining: 10, durationSeconds: 10 };

export async function load(url: string, options: LoadOptions) {
  const result = await autocannon({
    url,
    connections: options.connections,
    pipelining: options.pipelining,
    duration: options.durationSeconds,
  });
  return {
    requestsPerSecond: result.requests.average,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    total: result.requests.total,
  };
}

const TARGETS = {
  switchyard: () => startServerProcess('switchyard', join(API_DIST, 'server.js'), { LOG_LEVEL: 'info' }),
  switchyardLoggerOff: () => startServerProcess('switchyard, logger off', join(API_DIST, 'server.js'), { LOG_LEVEL: 'silent' }),
  rawHttp: () => startServerProcess('raw node:http', join(PEERS, 'raw-http-server.js')),
  express: () => startServerProcess('express 5', join(PEERS, 'express-app.js')),
};
type Target = keyof typeof TARGETS;

const NAMES: Record<Target, string> = {
  switchyard: 'switchyard (logging on)',
  switchyardLoggerOff: 'switchyard (logging off)',
  rawHttp: 'raw node:http',
  express: 'express 5',
};

/**
 * GET /hello?name=bench on each server in turn, round after round, so every ratio compares two
 * figures from the same round. One server runs at a time; autocannon has the other core. Beside
 * req/s, the server's own CPU time per request (from /proc), which a busy machine disturbs less:
 * it counts what the server did, not how long it waited for a core.
 */
export async function measureThroughput(rounds: number, options: LoadOptions = LOAD, warmupSeconds = 3): Promise<Row[]> {
  const targets = Object.keys(TARGETS) as Target[];
  const perTarget = () => Object.fromEntries(targets.map((target) => [target, [] as number[]])) as Record<Target, number[]>;
  const figures = perTarget();
  const cpu = perTarget();
  for (let round = 1; round <= rounds; round++) {
    for (const target of targets) {
      let server: ServerUnderLoad | undefined;
      try {
        server = await TARGETS[target]();
        const url = `${server.url}/hello?name=bench`;
        await load(url, { ...options, durationSeconds: warmupSeconds });
        const cpuBefore = await server.cpuSeconds();
        const result = await load(url, options);
        const cpuMicros = ((await server.cpuSeconds()) - cpuBefore) * 1e6;
        if (result.errors || result.non2xx)
          throw new Error(`${server.name}: ${result.errors} errors and ${result.non2xx} non-2xx under load`);
        figures[target].push(result.requestsPerSecond);
        cpu[target].push(cpuMicros / result.total);
        console.error(
          `  throughput round ${round}: ${server.name.padEnd(24)} ${Math.round(result.requestsPerSecond)} req/s, ${(cpuMicros / result.total).toFixed(1)} CPU µs/request`,
        );
      } finally {
        await server?.stop();
      }
    }
  }
  const ratios = (a: Target, b: Target) => pairedRatios(figures[a], figures[b]);
  const loadNote = `${options.connections} connections, pipelining ${options.pipelining}, ${options.durationSeconds} s`;
  return [
    ...targets.map((target, i) => ({
      metric: `HTTP: ${NAMES[target]}, req/s`,
      value: median(figures[target]),
      unit: 'req/s',
      note: i === 0 ? `${spreadNote(figures[target], 'req/s')}; ${loadNote}` : spreadNote(figures[target], 'req/s'),
    })),
    ...targets.map((target) => ({
      metric: `HTTP: ${NAMES[target]}, server CPU per request`,
      value: median(cpu[target]),
      unit: 'µs',
      note: spreadNote(cpu[target], 'µs'),
    })),
    {
      metric: 'HTTP: switchyard / raw node:http',
      value: median(ratios('switchyard', 'rawHttp')),
      unit: '×',
      goal: { direction: 'at-least', target: 0.85 },
      note: spreadNote(ratios('switchyard', 'rawHttp'), '×'),
    },
    {
      metric: 'HTTP: switchyard / express 5',
      value: median(ratios('switchyard', 'express')),
      unit: '×',
      goal: { direction: 'at-least', target: 3.5 },
      note: spreadNote(ratios('switchyard', 'express'), '×'),
    },
    {
      metric: 'HTTP: logging off / raw node:http',
      value: median(ratios('switchyardLoggerOff', 'rawHttp')),
      unit: '×',
      note: spreadNote(ratios('switchyardLoggerOff', 'rawHttp'), '×'),
    },
  ];
}
