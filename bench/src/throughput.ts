import autocannon from 'autocannon';
import { join } from 'node:path';
import { API_DIST, PEERS } from './paths';
import { startServerProcess, type ServerUnderLoad } from './processes';
import { median, pairedRatios, type Row } from './stats';

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

/**
 * GET /hello?name=bench on each server in turn, round after round, so every ratio compares two
 * figures from the same round. One server runs at a time; autocannon has the other core.
 */
export async function measureThroughput(rounds: number, options: LoadOptions = LOAD, warmupSeconds = 3): Promise<Row[]> {
  const figures: Record<Target, number[]> = { switchyard: [], switchyardLoggerOff: [], rawHttp: [], express: [] };
  for (let round = 1; round <= rounds; round++) {
    for (const target of Object.keys(TARGETS) as Target[]) {
      let server: ServerUnderLoad | undefined;
      try {
        server = await TARGETS[target]();
        const url = `${server.url}/hello?name=bench`;
        await load(url, { ...options, durationSeconds: warmupSeconds });
        const result = await load(url, options);
        if (result.errors || result.non2xx)
          throw new Error(`${server.name}: ${result.errors} errors and ${result.non2xx} non-2xx under load`);
        figures[target].push(result.requestsPerSecond);
        console.error(`  throughput round ${round}: ${server.name.padEnd(24)} ${Math.round(result.requestsPerSecond)} req/s`);
      } finally {
        await server?.stop();
      }
    }
  }
  const ratio = (a: Target, b: Target) => median(pairedRatios(figures[a], figures[b]));
  const note = `median of ${rounds}; ${options.connections} connections, pipelining ${options.pipelining}, ${options.durationSeconds} s`;
  return [
    { metric: 'HTTP: switchyard (logging on), req/s', value: median(figures.switchyard), unit: 'req/s', note },
    { metric: 'HTTP: switchyard (logging off), req/s', value: median(figures.switchyardLoggerOff), unit: 'req/s' },
    { metric: 'HTTP: raw node:http, req/s', value: median(figures.rawHttp), unit: 'req/s' },
    { metric: 'HTTP: express 5, req/s', value: median(figures.express), unit: 'req/s' },
    {
      metric: 'HTTP: switchyard / raw node:http',
      value: ratio('switchyard', 'rawHttp'),
      unit: '×',
      goal: { direction: 'at-least', target: 0.85 },
    },
    {
      metric: 'HTTP: switchyard / express 5',
      value: ratio('switchyard', 'express'),
      unit: '×',
      goal: { direction: 'at-least', target: 3.5 },
    },
    { metric: 'HTTP: logging off / raw node:http', value: ratio('switchyardLoggerOff', 'rawHttp'), unit: '×' },
  ];
}
