import { join } from 'node:path';

export const REPOSITORY_ROOT = join(__dirname, '..', '..');
export const API_DIST = join(REPOSITORY_ROOT, 'apps', 'api', 'dist');
export const PEERS = join(__dirname, 'peers');
export const CACHE = join(__dirname, '..', '.cache');
/** What the image build runs to fill its caches; the bench fills its copy the same way. */
export const PRIME_SCRIPT = join(REPOSITORY_ROOT, 'docker', 'prime-compile-cache.cjs');
export const RESULTS = join(__dirname, '..', 'results');

/** The command line's arguments, less the `--` that `pnpm <script> -- ...` passes on. */
export function cliArgs(): string[] {
  return process.argv.slice(2).filter((arg) => arg !== '--');
}
