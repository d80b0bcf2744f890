import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { portOpen } from '@switchyard/api/local-table';
import { runtimeCommand } from './runtime-api';

/*
 * HAProxy as a child process: master-worker (-W) in the foreground (-db), so the master is our
 * child and its workers are its own; the master's CLI (-S) reloads it.
 * https://docs.haproxy.org/2.6/management.html#9.4
 */

export interface HaproxyProcessOptions {
  readonly configFile: string;
  /** The workers' runtime API (the config's stats socket). */
  readonly runtimeSocket: string;
  readonly masterSocket: string;
  /** The port the config listens on: started means it accepts connections. */
  readonly port: number;
  /** @default 'haproxy' */
  readonly program?: string;
  /** What HAProxy writes to stderr (its notices, warnings and alerts). */
  readonly log: (line: string) => void;
  /** Each line HAProxy writes to stdout: the request log the config sends there. @default to `log` */
  readonly stdoutLine?: (line: string) => void;
}

export interface HaproxyProcess {
  /** Re-reads the config file: new workers take the listening socket over, old ones finish their requests. */
  reload(): Promise<void>;
  /**
   * Stops master and workers at once (requests in flight are cut) and removes the sockets; resolves
   * once the request log holds every request they ended.
   */
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 30_000;

export const HAPROXY_INSTALL_HINT =
  "HAProxy serves the sandbox's load balancers and is missing; install it (Debian/Ubuntu: apt-get install haproxy; macOS: brew install haproxy)";

/** Whether the haproxy program is on PATH. */
export function findHaproxy(program = 'haproxy'): boolean {
  return !spawnSync(program, ['-v'], { stdio: 'ignore' }).error;
}
// util-linux's setpriv has the kernel stop HAProxy if this process dies without calling stop().
const SETPRIV = '/usr/bin/setpriv';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The master CLI's `show proc`: the master's pid, the current worker's, and how many reloads failed. */
function processes(showProc: string): { master?: number; worker?: number; failedReloads: number } {
  const master = /^(\d+)\s+master\s+\d+ \[failed: (\d+)\]/m.exec(showProc);
  const worker = /# workers\n(\d+)\s+worker/.exec(showProc);
  return {
    master: master ? Number(master[1]) : undefined,
    worker: worker ? Number(worker[1]) : undefined,
    failedReloads: Number(master?.[2] ?? 0),
  };
}

export async function startHaproxy(options: HaproxyProcessOptions): Promise<HaproxyProcess> {
  const { runtimeSocket, masterSocket, port, log } = options;
  const haproxy = [options.program ?? 'haproxy', '-W', '-db', '-S', masterSocket, '-f', options.configFile];
  const [command, ...args] = existsSync(SETPRIV) ? [SETPRIV, '--pdeathsig', 'SIGTERM', ...haproxy] : haproxy;
  const child = spawn(command!, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
    log(`[haproxy] ${chunk.toString().trimEnd()}`);
  });
  // A chunk of a pipe may end inside a line: the rest waits for the next chunk.
  const stdoutLine = options.stdoutLine ?? ((line: string) => log(`[haproxy] ${line}`));
  let partial = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop()!;
    for (const line of lines) if (line) stdoutLine(line);
  });
  // Closed once HAProxy and its workers are gone and the last line they wrote has been read.
  const closed = new Promise((resolve) => child.once('close', resolve));
  let exit: Error | undefined;
  child.once('error', (error) => (exit = error));
  child.once('exit', (code, signal) => {
    exit ??= new Error(`haproxy exited (${signal ?? code}): ${output.trim() || 'no output'}`);
    log(`[haproxy] exited (${signal ?? code})`);
  });

  /** Our master's current worker, once it serves the runtime API; the sockets' paths alone could be another's. */
  const servingWorker = async (): Promise<number | undefined> => {
    const { master, worker } = processes(await runtimeCommand(masterSocket, 'show proc').catch(() => ''));
    if (master !== child.pid || !worker) return undefined;
    const info = await runtimeCommand(runtimeSocket, 'show info').catch(() => '');
    return info.includes(`Pid: ${worker}\n`) ? worker : undefined;
  };

  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (exit) throw exit;
    if ((await servingWorker()) && (await portOpen(port))) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`haproxy did not serve 127.0.0.1:${port} within ${READY_TIMEOUT_MS / 1000} s: ${output.trim() || 'no output'}`);
    }
    await sleep(50);
  }

  return {
    async reload() {
      const before = processes(await runtimeCommand(masterSocket, 'show proc'));
      // The master CLI rather than SIGUSR2: a signal that comes before the master runs its loop is
      // lost, while a command is answered from that loop only. The master closes the connection to reload.
      await runtimeCommand(masterSocket, 'reload').catch(() => '');
      const giveUp = Date.now() + READY_TIMEOUT_MS;
      for (;;) {
        if (exit) throw exit;
        const now = processes(await runtimeCommand(masterSocket, 'show proc').catch(() => ''));
        if (now.failedReloads > before.failedReloads) throw new Error(`haproxy refused the new config: ${output.trim()}`);
        const worker = await servingWorker();
        if (worker && worker !== before.worker) return;
        if (Date.now() > giveUp) throw new Error(`haproxy did not reload within ${READY_TIMEOUT_MS / 1000} s`);
        await sleep(50);
      }
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      // The workers leave with the master; a worker that outlived it must not hold the stop up.
      let giveUp: NodeJS.Timeout | undefined;
      await Promise.race([closed, new Promise((resolve) => (giveUp = setTimeout(resolve, 10_000)))]);
      clearTimeout(giveUp);
    },
  };
}
