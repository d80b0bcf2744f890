import { spawnSync } from 'node:child_process';
import { PLACEMENT, pinnedCommand, placementNote } from './cpu-pinning';

const allowedCpus = (command: [string, string[]]) =>
  /^Cpus_allowed_list:\s*(\S+)$/m.exec(spawnSync(command[0], command[1], { encoding: 'utf8' }).stdout)?.[1];

test('a pinned command runs on its one CPU; an unpinned one wherever the scheduler puts it', () => {
  // Fewer than two CPUs, or no taskset: the bench says the scheduler placed both sides.
  if (!PLACEMENT) return expect(placementNote()).toBe('server and load generator placed by the scheduler');
  expect(allowedCpus(pinnedCommand(PLACEMENT.load, 'cat', ['/proc/self/status']))).toBe(String(PLACEMENT.load));
  expect(allowedCpus(pinnedCommand(PLACEMENT.server, 'cat', ['/proc/self/status']))).toBe(String(PLACEMENT.server));
  expect(allowedCpus(pinnedCommand(undefined, 'cat', ['/proc/self/status']))).not.toBe(String(PLACEMENT.server));
  expect(placementNote()).toBe(`server on CPU ${PLACEMENT.server}, load generator on CPU ${PLACEMENT.load}`);
});
