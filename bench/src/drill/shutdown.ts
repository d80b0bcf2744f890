import { send } from '@switchyard/lambda-local/http-client';
import { join } from 'node:path';
import { API_DIST } from '../paths';
import { startServerProcess } from '../processes';
import type { DrillResult } from './result';

/** 50 requests in flight on /work?ms=2000, then SIGTERM: every one answered, late arrivals turned away, exit 0 in 10 s. */
export async function shutdownDrill(inFlightCount = 50): Promise<DrillResult> {
  const server = await startServerProcess('switchyard', join(API_DIST, 'server.js'), { LOG_LEVEL: 'info' });
  try {
    const inFlight = Array.from({ length: inFlightCount }, () =>
      send(server.url, { method: 'GET', path: '/work', query: 'ms=2000' }).then(
        (response) => response.statusCode,
        (err: Error) => err.message,
      ),
    );
    // Barrier: a later request on a fresh connection answered means the server has read the others.
    await send(server.url, { method: 'GET', path: '/health' });
    const signalledAt = Date.now();
    server.child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const late = await send(server.url, { method: 'GET', path: '/hello' }).then(
      (response) => String(response.statusCode),
      (err: Error & { code?: string }) => err.code ?? err.message,
    );
    const answers = await Promise.all(inFlight);
    const exitCode = await Promise.race([
      server.exited,
      new Promise((resolve) => setTimeout(() => resolve('still running after 10 s'), 10_000)),
    ]);
    const exitMs = Date.now() - signalledAt;
    const answered200 = answers.filter((answer) => answer === 200).length;
    const failures = [
      ...(answered200 !== inFlightCount
        ? [`${inFlightCount - answered200} of ${inFlightCount} in-flight requests not answered 200: ${[...new Set(answers)].join(', ')}`]
        : []),
      ...(['ECONNREFUSED', 'ECONNRESET', '503'].includes(late) ? [] : [`a request after SIGTERM got ${late}, not a refusal or 503`]),
      ...(exitCode === 0 ? [] : [`exit: ${String(exitCode)}`]),
      ...(exitMs > 10_000 ? [`exited after ${exitMs} ms`] : []),
    ];
    return {
      name: 'shutdown',
      failures,
      figures: [
        `${answered200}/${inFlightCount} in-flight requests answered 200`,
        `a new request after SIGTERM: ${late}`,
        `exit code ${String(exitCode)}, ${exitMs} ms after SIGTERM`,
      ],
    };
  } finally {
    await server.stop();
  }
}
