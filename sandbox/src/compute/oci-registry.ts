import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/*
 * The sandbox's image registry: the distribution registry (Debian's `docker-registry` package),
 * serving the OCI distribution API on loopback. Images pushed for a sandbox's ECR repositories land
 * here, and Invoke and RunTask pull them from here.
 */

export const REGISTRY_INSTALL_HINT =
  "the distribution registry is not installed: apt-get install docker-registry (Debian), or run the project's registry image";

/** The registry's program here: Debian names it docker-registry; upstream builds name it registry. */
export function findRegistry(): string | undefined {
  return ['docker-registry', 'registry'].find((program) => !spawnSync(program, ['--version'], { encoding: 'utf8' }).error);
}

export interface OciRegistry {
  /** host:port, as image references name it. */
  readonly address: string;
  readonly process: ChildProcess;
}

export async function startRegistry(program: string, dir: string, port: number, log?: (line: string) => void): Promise<OciRegistry> {
  mkdirSync(join(dir, 'data'), { recursive: true });
  const config = join(dir, 'config.yml');
  writeFileSync(
    config,
    [
      'version: 0.1',
      'log:',
      '  level: warn',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${JSON.stringify(join(dir, 'data'))}`,
      '  delete:',
      '    enabled: true',
      'http:',
      `  addr: 127.0.0.1:${port}`,
      '',
    ].join('\n'),
  );
  const child = spawn(program, ['serve', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  for (const stream of [child.stdout, child.stderr])
    stream.on('data', (chunk: Buffer) => log?.(`[registry] ${chunk.toString().trimEnd()}`));
  const address = `127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  let exited = false;
  child.once('exit', () => (exited = true));
  while (Date.now() < deadline && !exited) {
    try {
      if ((await fetch(`http://${address}/v2/`)).ok) return { address, process: child };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error(exited ? 'the registry exited as it started' : 'the registry did not answer within 30 s');
}

/**
 * A podman registries.conf that sends pulls of the ECR host to the loopback registry: the sandbox's
 * stand-in for ECR's DNS name. (podman applies `location` to pulls only; pushes are given the
 * registry's address by push-image.sh's SWITCHYARD_REGISTRY_ENDPOINT.)
 */
export function registriesConf(ecrHost: string, address: string): string {
  return `[[registry]]\nprefix = "${ecrHost}"\nlocation = "${address}"\ninsecure = true\n\n[[registry]]\nlocation = "${address}"\ninsecure = true\n`;
}
