import autocannon from 'autocannon';
import { join } from 'node:path';
import { API_DIST } from '../paths';
import { startServerProcess } from '../processes';
import type { DrillResult } from './result';

/** The native server under 100 connections for 30 s, on a mix of routes: nothing fails, memory stays put. */
export async function loadDrill(seconds = 30): Promise<DrillResult> {
  const server = await startServerProcess('switchyard', join(API_DIST, 'server.js'), { LOG_LEVEL: 'info' });
  try {
    const requests = [
      { method: 'GET' as const, path: '/hello?name=drill' },
      { method: 'GET' as const, path: '/uppercase?input=drill&locale=tr' },
      { method: 'POST' as const, path: '/users', headers: { 'content-type': 'application/json' }, body: '{"email":"drill@example.com"}' },
      { method: 'GET' as const, path: '/work?ms=1' },
    ];
    const options = { url: server.url, connections: 100, requests };
    await autocannon({ ...options, duration: 5 });
    const rssAfterWarmup = await server.rssBytes();
    const result = await autocannon({ ...options, duration: seconds });
    const rssAtEnd = await server.rssBytes();
    const growth = (rssAtEnd - rssAfterWarmup) / rssAfterWarmup;
    const errors = result.errors + result.timeouts;
    const failures = [
      ...(errors ? [`${errors} errors or timeouts`] : []),
      ...(result.non2xx ? [`${result.non2xx} non-2xx answers`] : []),
      ...(growth >= 0.2 ? [`RSS grew ${(growth * 100).toFixed(1)}%`] : []),
      ...(server.child.exitCode !== null ? ['the server died'] : []),
    ];
    return {
      name: 'load',
      failures,
      figures: [
        `${result.requests.total} requests in ${seconds} s over 100 connections (${Math.round(result.requests.average)} req/s, p99 ${result.latency.p99} ms)`,
        `${errors} errors, ${result.non2xx} non-2xx`,
        `RSS ${(rssAfterWarmup / 2 ** 20).toFixed(1)} MB after warm-up, ${(rssAtEnd / 2 ** 20).toFixed(1)} MB at the end (${(growth * 100).toFixed(1)}%, limit 20%)`,
      ],
    };
  } finally {
    await server.stop();
  }
}
