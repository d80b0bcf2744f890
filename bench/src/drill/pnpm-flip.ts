import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { REPOSITORY_ROOT } from '../paths';

export interface FlipLine {
  /** When it came, in ms since `startedAt`. */
  readonly atMs: number;
  readonly line: string;
}

/**
 * `pnpm flip dev ...` against a sandbox (its `env`), each output line kept with when it came, and
 * given to `onLine` as it comes: a drill acts on what the flip says it is doing.
 */
export function pnpmFlip(
  args: string[],
  env: NodeJS.ProcessEnv,
  startedAt: number,
  onLine: (line: FlipLine) => void = () => undefined,
): Promise<{ code: number; lines: FlipLine[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn('pnpm', ['-s', 'flip', 'dev', ...args], {
      cwd: REPOSITORY_ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: FlipLine[] = [];
    for (const stream of [child.stdout, child.stderr])
      createInterface({ input: stream }).on('line', (line) => {
        const entry = { atMs: Date.now() - startedAt, line };
        lines.push(entry);
        onLine(entry);
      });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? 1, lines }));
  });
}
