import { Testing } from 'cdktf';
import { tmpdir } from 'node:os';

// Jest's global setup gives each run one temp root and removes it at the end
// (@switchyard/jest-preset/temp-root.js), so nothing a run creates outlives it.
test("temporary folders, cdktf's own included, go under the run's temp root", () => {
  const root = process.env.SWITCHYARD_TEST_TEMP_ROOT;
  expect(root).toMatch(/switchyard-test-/);
  expect(tmpdir()).toBe(root);
  expect(Testing.app().outdir.startsWith(`${root}/`)).toBe(true);
});
