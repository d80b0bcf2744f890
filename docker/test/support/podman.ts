import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** The image under test, built by scripts/test-container.sh. */
export function imageUnderTest(): string {
  const image = process.env.SWITCHYARD_TEST_IMAGE;
  if (!image) throw new Error('SWITCHYARD_TEST_IMAGE is not set: run the container tier with `pnpm test:container`.');
  return image;
}

export async function podman(...args: string[]): Promise<string> {
  try {
    const { stdout } = await execFileAsync('podman', args, { maxBuffer: 64 * 1024 * 1024 });
    return stdout.trim();
  } catch (err) {
    const { stderr, message } = err as { stderr?: string; message: string };
    throw new Error(`podman ${args.join(' ')} failed: ${stderr?.trim() || message}`, { cause: err });
  }
}

export interface Container {
  name: string;
  /** What the container has written to stdout and stderr so far. */
  logs(): Promise<string>;
  /** Sends a signal to the container's PID 1. */
  signal(signal: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /** Resolves with the exit code once the container has stopped. */
  exited(): Promise<number>;
  /** Runs a command inside the running container; resolves with its output or rejects with its error. */
  exec(...command: string[]): Promise<string>;
  remove(): Promise<void>;
}

export interface RunOptions {
  /** Extra `podman run` options, such as ports, network, entrypoint or environment. */
  options?: string[];
  /** The command (arguments after the image). */
  command?: string[];
}

/**
 * Read-only, with /tmp from the image's own VOLUME rather than a tmpfs: podman, like ECS for a task
 * volume, fills a new volume with the image's contents and mode at that path.
 */
export const READ_ONLY = ['--read-only', '--read-only-tmpfs=false'];

/** Starts the image under test, detached, read-only as on Fargate and Lambda. */
export async function runContainer({ options = [], command = [] }: RunOptions = {}): Promise<Container> {
  const name = `switchyard-test-${randomUUID().slice(0, 8)}`;
  await podman('run', '--detach', '--name', name, ...READ_ONLY, ...options, imageUnderTest(), ...command);
  let exitCode: Promise<number> | undefined;
  return {
    name,
    // podman logs writes what the container wrote to stderr on its own stderr.
    logs: () =>
      execFileAsync('podman', ['logs', name], { maxBuffer: 64 * 1024 * 1024 }).then(
        ({ stdout, stderr }) => `${stdout}${stderr}`,
        (err: Error) => err.message,
      ),
    signal: async (signal) => void (await podman('kill', '--signal', signal, name)),
    exited: () => (exitCode ??= podman('wait', name).then(Number)),
    exec: (...cmd) => podman('exec', name, ...cmd),
    remove: async () => void (await podman('rm', '--force', '--volumes', '--time', '0', name).catch(() => undefined)),
  };
}

/** Where a published container port is reachable on the host, e.g. http://127.0.0.1:43117. */
export async function publishedUrl(container: Container, containerPort: number): Promise<string> {
  const mapping = await podman('port', container.name, `${containerPort}/tcp`);
  return `http://${mapping.split('\n')[0]}`;
}

/** Polls until `check` passes, so a test waits for a container to be ready rather than for a fixed time. */
export async function eventually(
  check: () => Promise<boolean>,
  what: string,
  container: Container,
  timeoutMs = 30_000,
  intervalMs = 200,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`${container.name}: ${what} did not happen within ${timeoutMs} ms. Its output:\n${await container.logs()}`);
}
