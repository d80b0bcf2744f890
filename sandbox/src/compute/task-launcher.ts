import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/*
 * Starts what a container of the image would run. With podman, the image itself (pulled from the
 * sandbox's registry), as Fargate or Lambda runs it: another user, a read-only root, /tmp writable.
 * Without it, the same bundles as processes on the host, from apps/api (the image's /app).
 */

export interface Limit {
  readonly soft: number;
  readonly hard: number;
}

/** One container to start: the image's command and its environment. */
export interface ContainerSpec {
  /** A name unique in the sandbox; the container's name under podman. */
  readonly name: string;
  readonly image: string;
  /** entryPoint + command, as the task definition or image config resolves them. */
  readonly command: readonly string[];
  readonly environment: Record<string, string>;
  /** The user the container runs as. */
  readonly user: string;
  /** An init process as PID 1 that forwards signals (ECS initProcessEnabled). @default false */
  readonly init?: boolean;
  /** Open files (nofile) and processes (nproc) allowed, as the compute sets them; the host's own where it sets none. */
  readonly limits: { readonly nofile?: Limit; readonly nproc?: Limit };
}

export interface RunningContainer {
  readonly exited: Promise<number>;
  /** SIGTERM, then SIGKILL after `timeoutMs`, as ECS stops a task. Resolves with the exit code. */
  stop(timeoutMs: number): Promise<number>;
  /** Stops it at once and lets everything it holds go (it was frozen, or it must not outlive the sandbox). */
  kill(): void;
  /** The process (process mode) or the podman client (podman mode), for its output. */
  readonly child: ChildProcess;
}

export interface TaskLauncher {
  /** "podman" or "process": said in the sandbox's output, so nobody mistakes one for the other. */
  readonly mode: 'podman' | 'process';
  start(spec: ContainerSpec): RunningContainer;
}

function running(child: ChildProcess, terminate: () => void, forceKill: () => void): RunningContainer {
  const exited = new Promise<number>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? (signal === 'SIGKILL' ? 137 : 143))),
  );
  let done = false;
  void exited.then(() => (done = true));
  return {
    exited,
    child,
    stop(timeoutMs) {
      if (!done) terminate();
      const timer = setTimeout(() => done || forceKill(), timeoutMs);
      return exited.finally(() => clearTimeout(timer));
    },
    kill() {
      if (!done) forceKill();
    },
  };
}

/** The built bundles under `apiRoot` (apps/api), run with the machine's node. */
export function processLauncher(apiRoot: string): TaskLauncher {
  return {
    mode: 'process',
    start(spec) {
      const [program, ...args] = spec.command;
      if (!program) throw new Error(`${spec.name}: no command to run`);
      // The image runs node with paths relative to /app; here they are relative to apps/api.
      const executable = program === 'node' ? process.execPath : program.startsWith('/') ? program : join(apiRoot, program);
      const child = spawn(executable, args, {
        cwd: apiRoot,
        env: { PATH: process.env.PATH ?? '', ...spec.environment },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      return running(
        child,
        () => child.kill('SIGTERM'),
        () => child.kill('SIGKILL'),
      );
    },
  };
}

const LIMIT_LINES = { nofile: 'Max open files', nproc: 'Max processes' } as const;

/** A limit this process runs under (Linux's /proc/self/limits, where podman runs): no container may be given more. */
function hostLimit(name: 'nofile' | 'nproc'): Limit {
  const line = readFileSync('/proc/self/limits', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(LIMIT_LINES[name]));
  const [soft, hard] = (line?.slice(LIMIT_LINES[name].length).trim().split(/\s+/) ?? []).map((value) =>
    value === 'unlimited' ? 1_048_576 : Number(value) || 1024,
  );
  return { soft: Math.min(soft ?? 1024, hard ?? 1024), hard: hard ?? 1024 };
}

/** The image under podman, on the host's network (a sandbox has no VPC). */
export function podmanLauncher(podmanEnv: NodeJS.ProcessEnv, label: string): TaskLauncher {
  const podman = (args: string[]) => spawn('podman', args, { env: podmanEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  return {
    mode: 'podman',
    start(spec) {
      const [entrypoint, ...command] = spec.command;
      const args = ['run', '--rm', '--name', spec.name, '--label', label, '--network', 'host', ...(spec.init ? ['--init'] : [])];
      args.push('--user', spec.user, '--read-only', '--tmpfs', '/tmp:rw,mode=1777', '--tls-verify=false', '--pull', 'missing');
      // The compute's own limits, explicitly: podman's defaults would raise them past what this
      // process may grant (without CAP_SYS_RESOURCE, as in CI), and the container would not start.
      for (const name of ['nofile', 'nproc'] as const) {
        const host = hostLimit(name);
        const hard = Math.min(spec.limits[name]?.hard ?? host.hard, host.hard);
        args.push('--ulimit', `${name}=${Math.min(spec.limits[name]?.soft ?? host.soft, hard)}:${hard}`);
      }
      for (const [name, value] of Object.entries(spec.environment)) args.push('--env', `${name}=${value}`);
      args.push('--entrypoint', JSON.stringify([entrypoint]), spec.image, ...command);
      const child = podman(args);
      return running(
        child,
        () => void podman(['stop', '--time', '3600', spec.name]),
        () => void podman(['rm', '--force', '--time', '0', spec.name]),
      );
    },
  };
}
