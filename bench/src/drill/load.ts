import autocannon from 'autocannon';
import { join } from 'node:path';
import { API_DIST } from '../paths';
import { startServerProcess, type MemoryAfterFullGc } from '../processes';
import type { DrillResult } from './result';

/** Growth from after the warm-up to the end, of resident memory or of the live heap, that counts as a leak. */
const GROWTH_LIMIT = 0.2;

const megabytes = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;
const percent = (ratio: number) => `${ratio >= 0 ? '+' : ''}${(ratio * 100).toFixed(1)}%`;
/** Pause before a memory reading, so what the load left in flight (closing sockets, log lines) is gone. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 1000));

/**
 * The native server under 100 connections for 30 s, on a mix of routes: nothing fails, memory stays put.
 * Under load V8 lets the heap grow well past what is live (resident memory rose 50% in 75 s here, while
 * the live heap stayed at 9 MB) and gives it back only after a while idle. So memory is read after a
 * full collection, after the warm-up and at the end; the peak under load is shown but does not decide.
 */
export async function loadDrill(seconds = 30): Promise<DrillResult> {
  const server = await startServerProcess('switchyard', join(API_DIST, 'server.js'), { LOG_LEVEL: 'info' }, { memoryProbe: true });
  try {
    const requests = [
      { method: 'GET' as const, path: '/hello?name=drill' },
      { method: 'GET' as const, path: '/uppercase?input=drill&locale=tr' },
      { method: 'POST' as const, path: '/users', headers: { 'content-type': 'application/json' }, body: '{"email":"drill@example.com"}' },
      { method: 'GET' as const, path: '/work?ms=1' },
    ];
    const options = { url: server.url, connections: 100, requests };
    await autocannon({ ...options, duration: 5 });
    await settle();
    const afterWarmup = await server.memoryAfterFullGc();
    let peakRssBytes = 0;
    const sampler = setInterval(() => void server.rssBytes().then((bytes) => (peakRssBytes = Math.max(peakRssBytes, bytes))), 1000);
    const result = await Promise.resolve(autocannon({ ...options, duration: seconds })).finally(() => clearInterval(sampler));
    await settle();
    const atEnd = await server.memoryAfterFullGc();
    const growth = (key: keyof MemoryAfterFullGc) => (atEnd[key] - afterWarmup[key]) / afterWarmup[key];
    const line = (label: string, key: keyof MemoryAfterFullGc) =>
      `${label} after a full GC: ${megabytes(afterWarmup[key])} after warm-up, ${megabytes(atEnd[key])} at the end (${percent(growth(key))}, limit +${GROWTH_LIMIT * 100}%)`;
    const errors = result.errors + result.timeouts;
    const failures = [
      ...(errors ? [`${errors} errors or timeouts`] : []),
      ...(result.non2xx ? [`${result.non2xx} non-2xx answers`] : []),
      ...(!(growth('rssBytes') < GROWTH_LIMIT) ? [`RSS grew ${percent(growth('rssBytes'))}`] : []),
      ...(!(growth('heapUsedBytes') < GROWTH_LIMIT) ? [`the live heap grew ${percent(growth('heapUsedBytes'))}`] : []),
      ...(server.child.exitCode !== null ? ['the server died'] : []),
    ];
    return {
      name: 'load',
      failures,
      figures: [
        `${result.requests.total} requests in ${seconds} s over 100 connections (${Math.round(result.requests.average)} req/s, p99 ${result.latency.p99} ms)`,
        `${errors} errors, ${result.non2xx} non-2xx`,
        line('RSS', 'rssBytes'),
        line('live heap', 'heapUsedBytes'),
        `RSS at its peak under load: ${megabytes(peakRssBytes)}`,
      ],
    };
  } finally {
    await server.stop();
  }
}
