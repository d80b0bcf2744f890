import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENVIRONMENTS } from '../config/environments';
import { safetyNetTable } from './safety-net-table';

test("the README's safety-net defaults are the environments' own", () => {
  const readme = readFileSync(join(__dirname, '..', '..', '..', 'README.md'), 'utf8');
  const block = /<!-- safety-net-defaults -->\s*([^]*?)\s*<!-- \/safety-net-defaults -->/.exec(readme)?.[1];
  expect(block).toBe(safetyNetTable(Object.values(ENVIRONMENTS)));
});

test('a limit changed in environments.ts shows in the table', () => {
  const dev = ENVIRONMENTS.dev!;
  const table = safetyNetTable([{ ...dev, safetyNet: { ...dev.safetyNet, maxErrorRate: 0.025, bakeMinutes: 7 } }]);
  expect(table.split('\n')[2]).toMatch(/^\| dev\s+\| 2\.5%\s+\| 2000 ms .*\| 7 min \| hold\s+\|$/);
});
