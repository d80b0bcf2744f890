import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { RESULTS } from './paths';
import type { Row } from './stats';

/*
 * The container tier's cold starts (docker/test/cold-start.container.test.ts: the image as Lambda
 * runs it, under the runtime client, as another uid, on a read-only root), kept for the README
 * when `pnpm bench:container` runs that test. The tier itself only prints them: a test run
 * rewrites no file of the repository.
 */
export const CONTAINER_COLD_START_RESULTS = join(RESULTS, 'container-cold-start.json');

/** Set to a file's path, the container tier writes its cold starts there. */
export const RECORD_TO = 'SWITCHYARD_COLD_START_RESULTS';

export interface Machine {
  cpus?: number;
  cpuModel?: string;
  memoryGiB?: number;
  node?: string;
}

export interface ContainerColdStarts {
  measuredAt: string;
  machine: Machine;
  rows: Row[];
}

/** The machine a measurement runs on, as the results record it. */
export function thisMachine(): Machine {
  return { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version };
}

/** Writes `rows` where RECORD_TO says, if it says; returns the file written. */
export function recordContainerColdStarts(rows: Row[], env: NodeJS.ProcessEnv = process.env): string | undefined {
  const file = env[RECORD_TO];
  if (!file) return undefined;
  const results: ContainerColdStarts = { measuredAt: new Date().toISOString(), machine: thisMachine(), rows };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  return file;
}

export function readContainerColdStarts(file = CONTAINER_COLD_START_RESULTS): ContainerColdStarts | undefined {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ContainerColdStarts) : undefined;
}
