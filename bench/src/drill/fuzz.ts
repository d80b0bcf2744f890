import { spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { join } from 'node:path';
import type { DrillResult } from './result';

interface FuzzReport {
  count: number;
  failed: number;
  statuses: Record<string, number>;
  problems: Array<{ problem: string; event: string }>;
  seconds: number;
}

/** At least 10,000 generated Lambda events through the bundle Lambda runs. */
export async function fuzzDrill(count = 10_000, seed = Date.now() % 2 ** 31): Promise<DrillResult> {
  const worker = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'fuzz-worker.ts')], {
    env: { ...process.env, LOG_LEVEL: 'info' },
    stdio: ['ignore', openSync('/dev/null', 'w'), 'inherit', 'ipc'],
  });
  const report = await new Promise<FuzzReport>((resolve, reject) => {
    worker.once('message', (message: FuzzReport | { error: string }) =>
      'error' in message ? reject(new Error(message.error)) : resolve(message),
    );
    worker.once('exit', (code) => reject(new Error(`fuzz worker exited (${code}) before reporting`)));
    worker.send({ count, seed });
  });
  const byStatus = Object.entries(report.statuses)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([status, n]) => `${status}: ${n}`)
    .join(', ');
  return {
    name: 'fuzz',
    failures: report.problems
      .map(({ problem, event }) => `${problem} for ${event}`)
      .concat(report.failed > 5 ? [`... ${report.failed} in all`] : []),
    figures: [
      `${report.count} events (seed ${seed}) in ${report.seconds.toFixed(1)} s: ${report.failed} badly answered`,
      `statuses ${byStatus}`,
    ],
  };
}
