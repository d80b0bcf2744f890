import { spawn, type ChildProcess } from 'node:child_process';
import { createConnection, createServer } from 'node:net';

/** A DynamoDB API on loopback: dynalite (on LevelDB) in a process of its own, so it can be stopped and started again. */
export interface LocalTable {
  readonly endpoint: string;
  readonly port: number;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

/** Whether something accepts connections on this loopback port. */
export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A loopback port nothing listens on now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Starts dynalite on `port`, keeping its data in `path` (or in memory without one), and resolves once
 * it accepts connections. dynalite is a development dependency: `pnpm start` and the tests use it.
 */
export async function startLocalTable({ port, path }: { port: number; path?: string }): Promise<LocalTable> {
  const cli = require.resolve('dynalite/cli.js');
  // dynalite's own CLI, run so that it exits when its parent does (its stdin, a pipe from the parent,
  // closes): a parent killed outright must not leave it holding the port and the LevelDB lock.
  const launcher = `process.stdin.on('close', () => process.exit(0)); process.stdin.resume(); process.argv.splice(1, 0, 'dynalite'); require(${JSON.stringify(cli)});`;
  const args = [
    '--port',
    String(port),
    '--host',
    '127.0.0.1',
    '--createTableMs',
    '0',
    '--deleteTableMs',
    '0',
    '--updateTableMs',
    '0',
    ...(path ? ['--path', path] : []),
  ];
  const child = spawn(process.execPath, ['-e', launcher, '--', ...args], { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 15_000;
  while (!(await portOpen(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`dynalite did not start on port ${port}: ${stderr.trim() || 'no output'}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    process: child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
