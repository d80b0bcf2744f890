import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

/**
 * Where the HTTP bench runs its two sides: the server under test on one CPU, the load generator on
 * another. Left to the scheduler, the two share a CPU now and then and migrate between them; the
 * server then waits for the load generator, finds fewer requests per read, and pays more CPU for
 * each, so its cost per request rises and varies with whatever else the machine runs. One CPU
 * each, as a target behind an ALB has its own and the load balancer runs elsewhere. Absent (the
 * scheduler decides) with fewer than two CPUs or without taskset; the results say which.
 */
export interface Placement {
  server: number;
  load: number;
}

function canPin(): boolean {
  return availableParallelism() >= 2 && spawnSync('taskset', ['--version'], { stdio: 'ignore' }).status === 0;
}

export const PLACEMENT: Placement | undefined = canPin() ? { server: 0, load: 1 } : undefined;

/**
 * The command and arguments that run `command args` on CPU `cpu` alone. taskset sets the affinity
 * and then execs the command, so the process id is the command's own (for /proc).
 */
export function pinnedCommand(cpu: number | undefined, command: string, args: string[]): [string, string[]] {
  return cpu === undefined ? [command, args] : ['taskset', ['--cpu-list', String(cpu), command, ...args]];
}

/** "server on CPU 0, load generator on CPU 1", or what happens without a placement. */
export function placementNote(placement = PLACEMENT): string {
  return placement
    ? `server on CPU ${placement.server}, load generator on CPU ${placement.load}`
    : 'server and load generator placed by the scheduler';
}
