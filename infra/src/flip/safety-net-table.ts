import type { EnvironmentConfig } from '../config/environments';

/*
 * The safety net's limits per environment as the README shows them, from environments.ts: the
 * README's table is this function's output (safety-net-table.test.ts holds them together).
 */

const percent = (rate: number) => `${+(rate * 100).toFixed(2)}%`;

export function safetyNetTable(environments: readonly EnvironmentConfig[]): string {
  const rows = [
    ['environment', 'error rate at most', 'p99 at most', 'requests at least', 'against the other compute', 'bake', 'too few requests'],
    ...environments.map(({ name, safetyNet: n }) => [
      name,
      percent(n.maxErrorRate),
      `${n.maxP99Ms} ms`,
      String(n.minRequests),
      `+${+(n.maxErrorRateIncrease * 100).toFixed(2)} points of errors; p99 ${n.maxP99Ratio}× (over ${n.relativeP99FloorMs} ms)`,
      `${n.bakeMinutes} min`,
      n.onInconclusive,
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const line = (row: string[]) => `| ${row.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(rows[0]!), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...rows.slice(1).map(line)].join('\n');
}
