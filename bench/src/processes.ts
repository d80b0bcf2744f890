import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '@switchyard/api/local-table';
import { pinnedCommand } from './cpu-pinning';

const MEMORY_PROBE = join(__dirname, 'drill', 'memory-probe.cjs');
/** USER_HZ: what /proc reports CPU times in; 100 on every Linux architecture Node runs on. */
const CLOCK_TICKS_PER_SECOND = 100;

/** One helper for free loopback ports, the api's. */
export { freePort };

/**
 * CPU time a process has used so far, user and system and all its threads, in seconds: fields 14
 * and 15 of /proc/<pid>/stat, in clock ticks. The command name (field 2) is in parentheses and may
 * hold spaces, so fields are counted from its closing one.
 */
export function cpuSecondsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

export interface MemoryAfterFullGc {
  heapUsedBytes: number;
  rssBytes: number;
}

export interface ServerUnderLoad {
  name: string;
  url: string;
  child: ChildProcess;
  exited: Promise<number | string>;
  /** Resident set size of the server process, in bytes (from /proc). */
  rssBytes(): Promise<number>;
  /** CPU time the server process has used so far, user and system, in seconds (from /proc). */
  cpuSeconds(): Promise<number>;
  /** Heap in use and resident set size after a full garbage collection; only when started with `memoryProbe`. */
  memoryAfterFullGc(): Promise<MemoryAfterFullGc>;
  stop(): Promise<void>;
  /** SIGTERM, and the exit the server makes of it (what it writes at exit, such as a CPU profile, is written). */
  terminate(): Promise<void>;
}

/**
 * Starts `node <script>` on a free loopback port and waits until `readyPath` answers. Its stdout
 * goes to /dev/null: the server pays for writing its logs, as it would to a log driver, but the
 * terminal stays readable.
 */
export async function startServerProcess(
  name: string,
  script: string,
  env: NodeJS.ProcessEnv = {},
  {
    readyPath = '/hello',
    nodeBinary = process.execPath,
    memoryProbe = false,
    nodeArgs = [],
    cpu,
  }: {
    readyPath?: string;
    nodeBinary?: string;
    memoryProbe?: boolean;
    /** Node's own options, before the script. */
    nodeArgs?: string[];
    /** The one CPU it may run on. */
    cpu?: number;
  } = {},
): Promise<ServerUnderLoad> {
  const port = await freePort();
  const devNull = openSync('/dev/null', 'w');
  const probeArgs = memoryProbe ? ['--expose-gc', '--require', MEMORY_PROBE] : [];
  const [command, args] = pinnedCommand(cpu, nodeBinary, [...nodeArgs, ...probeArgs, script]);
  const child = spawn(command, args, {
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), ...env },
    stdio: ['ignore', devNull, 'pipe', ...(memoryProbe ? ['ipc' as const] : [])],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    const ready = await fetch(`${url}${readyPath}`).then(
      (res) => res.ok,
      () => false,
    );
    if (ready) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} did not become ready on ${url}${readyPath}: ${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    name,
    url,
    child,
    exited,
    async rssBytes() {
      const { readFile } = await import('node:fs/promises');
      const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
      return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? Number.NaN) * 1024;
    },
    cpuSeconds() {
      return Promise.resolve(cpuSecondsOf(child.pid as number));
    },
    memoryAfterFullGc() {
      if (!memoryProbe) return Promise.reject(new Error(`${name} was started without the memory probe`));
      return new Promise((resolve, reject) => {
        child.once('message', (reply: MemoryAfterFullGc) => resolve(reply));
        if (!child.send('memory')) reject(new Error(`${name} did not take the memory probe's message`));
      });
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async terminate() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(killer);
    },
  };
}
