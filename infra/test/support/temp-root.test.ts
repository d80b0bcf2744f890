import { Testing } from 'cdktf';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Jest's global setup gives each run one temp root and removes it at the end
// (@switchyard/jest-preset/temp-root.js), so nothing a run creates outlives it.
test("temporary folders, cdktf's own included, go under the run's temp root", () => {
  const root = process.env.SWITCHYARD_TEST_TEMP_ROOT;
  expect(root).toMatch(/switchyard-test-\d+-/);
  expect(tmpdir()).toBe(root);
  expect(Testing.app().outdir.startsWith(`${root}/`)).toBe(true);
});

test('a root left by a run that was killed is removed by the next run, and a live run’s root is kept', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { removeAbandonedRoots } = require('@switchyard/jest-preset/temp-root') as { removeAbandonedRoots(dir: string): void };
  const dir = mkdtempSync(join(tmpdir(), 'roots-'));
  // Above Linux's largest pid (2^22), so no process has it.
  const abandoned = join(dir, 'switchyard-test-99999999-abc123');
  const live = join(dir, `switchyard-test-${process.pid}-def456`);
  const other = join(dir, 'someone-elses-folder');
  for (const folder of [abandoned, live, other]) mkdirSync(folder);
  removeAbandonedRoots(dir);
  expect([abandoned, live, other].map(existsSync)).toEqual([false, true, true]);
});
