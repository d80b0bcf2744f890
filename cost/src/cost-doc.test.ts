import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readMeasuredCosts } from './measured';
import { buildReport, formatReport } from './report';
import { buildWorkload } from './workload';

/** docs/cost.md's "When to flip" figures are pnpm cost's output for the committed bench results. */
const DOC = readFileSync(join(__dirname, '..', '..', 'docs', 'cost.md'), 'utf8');
const squash = (text: string) => text.replace(/\s+/g, ' ').replace(/ ?\| ?/g, '|');

describe('docs/cost.md, "When to flip"', () => {
  const report = (environment: string) => buildReport(buildWorkload({ environment }, () => readMeasuredCosts()));

  test("shows pnpm cost prod's table, fixed costs and break-even as the tool prints them now", () => {
    const prod = formatReport(report('prod')).split('\n');
    const shown = prod.filter(
      (line) => (line.startsWith('|') && !line.startsWith('|---')) || /^(Fixed|One task|Break-even|With tasks)/.test(line),
    );
    expect(shown.length).toBeGreaterThanOrEqual(8);
    for (const line of shown) expect(squash(DOC)).toContain(squash(line));
  });

  test("gives dev's fixed costs and break-even as the tool prints them, and rounds prod's break-even honestly", () => {
    const dev = formatReport(report('dev')).split('\n');
    for (const line of dev.filter((l) => /^(One task|With tasks)/.test(l))) expect(squash(DOC)).toContain(squash(line));
    const fixed = dev.find((line) => line.startsWith('Fixed'))!;
    expect(squash(DOC)).toContain(squash(fixed.replace(/^Fixed/, 'fixed')));
    const even = report('prod').breakEvenOnCpuTarget!;
    expect(DOC).toContain(`then Fargate wins from\nabout ${Math.round(even.requestsPerSecond)} req/s`);
  });
});
