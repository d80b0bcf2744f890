import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export const DIST = join(__dirname, '..', '..', 'dist');

export interface RunningProcess {
  child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code (or the signal's name) once the process has ended. */
  exited: Promise<number | string>;
  /** Resolves with the first output line matching `pattern`; rejects if the process ends first or time runs out. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
}

export function run(script: string, env: NodeJS.ProcessEnv): RunningProcess {
  return runScript(script, [], env);
}

/** `node dist/<script> ...args`. */
export function runScript(script: string, args: string[], env: NodeJS.ProcessEnv): RunningProcess {
  return runCommand(process.execPath, [join(DIST, script), ...args], env);
}

/** Any command, such as `pnpm start`, watched the same way. */
export function runCommand(command: string, args: string[], env: NodeJS.ProcessEnv, cwd?: string): RunningProcess {
  const script = [command, ...args].join(' ');
  // Its own process group, so stop() also ends anything it started (local.js starts server.js).
  const child = spawn(command, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
    ...(cwd ? { cwd } : {}),
  });
  let output = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    listeners.forEach((notify) => notify());
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));

  function waitFor(pattern: RegExp, timeoutMs = 10_000): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const match = output.match(pattern);
        if (match) {
          cleanup();
          resolve(match);
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out waiting for ${pattern} in output:\n${output}`));
      }, timeoutMs);
      void exited.then((code) => {
        cleanup();
        reject(new Error(`${script} exited (${code}) before printing ${pattern}; output:\n${output}`));
      });
      const cleanup = () => {
        clearTimeout(timer);
        listeners.delete(check);
      };
      listeners.add(check);
      check();
    });
  }

  return { child, output: () => output, exited, waitFor };
}

/**
 * Starts dist/server.js on a free loopback port and resolves once it listens. Logs at info, since
 * the listening line is how the port is learnt; the output is captured, not printed.
 */
export async function startServer(env: NodeJS.ProcessEnv = {}): Promise<RunningProcess & { baseUrl: string }> {
  const server = run('server.js', { HOST: '127.0.0.1', PORT: '0', ...env, LOG_LEVEL: 'info' });
  const [, baseUrl] = await server.waitFor(/Server listening at (http:\/\/127\.0\.0\.1:\d+)/);
  return { ...server, baseUrl: baseUrl as string };
}

/**
 * Stops a process and everything it started: Ctrl-C (SIGINT) to its process group first, which turbo
 * passes on to the tasks it runs in groups of their own; after 10 s, SIGKILL to the group.
 */
export async function stop(proc: RunningProcess | undefined): Promise<void> {
  if (!proc?.child.pid) return;
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-proc.child.pid!, signal);
    } catch {
      // The group has already gone.
    }
  };
  signalGroup('SIGINT');
  let timer: NodeJS.Timeout | undefined;
  const forced = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      signalGroup('SIGKILL');
      resolve();
    }, 10_000);
  });
  await Promise.race([proc.exited, forced]);
  clearTimeout(timer);
  await proc.exited;
}

export { freePort } from '../../src/jobs/dynalite';
