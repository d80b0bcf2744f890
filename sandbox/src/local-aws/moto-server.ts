import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/*
 * moto's server, the local AWS's control plane. It is a Python program: moto 5.2.1 with its server
 * extras (`pip install 'moto[server]'`); some machines have it in their Python already.
 */

export const MOTO_INSTALL_HINT =
  "moto's server is not installed: `pip install 'moto[server]'` (Python 3.9 or later), then run this again. " +
  'It provides `moto_server`, the local AWS control plane the sandbox runs.';

/** The project's own virtual environment, where the test tiers install moto when the machine has none. */
const PROJECT_VENV = join(__dirname, '..', '..', '..', '.local', 'moto', 'bin', 'moto_server');

/** The command that starts moto's server here, or `undefined` when it is not installed. */
export function findMoto(): string[] | undefined {
  if (existsSync(PROJECT_VENV)) return [PROJECT_VENV];
  const direct = spawnSync('moto_server', ['--help'], { encoding: 'utf8', timeout: 30_000 });
  if (!direct.error && direct.status === 0) return ['moto_server'];
  const module = spawnSync('python3', ['-m', 'moto.server', '--help'], { encoding: 'utf8', timeout: 30_000 });
  if (!module.error && module.status === 0) return ['python3', '-m', 'moto.server'];
  return undefined;
}

export interface MotoServer {
  readonly url: string;
  readonly process: ChildProcess;
}

/** Starts moto's server on a loopback port and waits until it answers. */
export async function startMoto(command: string[], port: number, log?: (line: string) => void): Promise<MotoServer> {
  const [program, ...args] = command;
  const child = spawn(program!, [...args, '-H', '127.0.0.1', '-p', String(port)], {
    env: { ...process.env, PYTHONUNBUFFERED: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout, child.stderr]) stream.on('data', (chunk: Buffer) => log?.(`[moto] ${chunk.toString().trimEnd()}`));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  let exited = false;
  child.once('exit', () => (exited = true));
  while (Date.now() < deadline && !exited) {
    try {
      const response = await fetch(`${url}/moto-api/`);
      if (response.ok) return { url, process: child };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  child.kill('SIGKILL');
  throw new Error(exited ? "moto's server exited as it started" : "moto's server did not answer within 60 s");
}
