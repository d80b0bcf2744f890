import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What goes into the image: the Dockerfile, its ignore file, and every source its COPY and bind
 * mounts take from the build context (a test checks this against docker/Dockerfile). A change to
 * any of these means a new image.
 */
export const IMAGE_INPUTS = [
  'docker/Dockerfile',
  '.dockerignore',
  'pnpm-lock.yaml',
  'pnpm-workspace.yaml',
  'package.json',
  'apps/api',
  'packages',
  'docker/lambda-entrypoint.sh',
  'docker/prime-compile-cache.cjs',
];

/**
 * Never part of the build's output: what .dockerignore keeps out of the context, and tests, which
 * are in the context but not built into the bundles.
 */
const NOT_IN_IMAGE = new Set(['node_modules', 'dist', 'coverage', '.turbo', 'test']);

function filesUnder(root: string, path: string): string[] {
  const full = join(root, path);
  let stats;
  try {
    stats = statSync(full);
  } catch {
    return [];
  }
  if (stats.isFile()) return [path];
  return readdirSync(full)
    .filter((name) => !name.endsWith('.test.ts') && !NOT_IN_IMAGE.has(name))
    .flatMap((name) => filesUnder(root, join(path, name)));
}

/** SHA-256 over the image inputs' paths and contents, in a stable order. */
export function imageSourceHash(repositoryRoot: string, inputs: readonly string[] = IMAGE_INPUTS): string {
  const hash = createHash('sha256');
  const files = inputs.flatMap((input) => filesUnder(repositoryRoot, input)).sort();
  for (const file of files) {
    hash.update(file);
    hash.update('\0');
    hash.update(readFileSync(join(repositoryRoot, file)));
    hash.update('\0');
  }
  return hash.digest('hex');
}
