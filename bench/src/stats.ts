/** The middle value (the mean of the two middle ones for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Ratios of two series measured pairwise in the same rounds, so machine noise hits both sides alike. */
export function pairedRatios(numerators: readonly number[], denominators: readonly number[]): number[] {
  if (numerators.length !== denominators.length)
    throw new Error(`paired series differ in length: ${numerators.length} vs ${denominators.length}`);
  return numerators.map((n, i) => n / (denominators[i] as number));
}

/** How many rounds a median was taken over, and the extremes of those rounds. */
export interface Spread {
  rounds: number;
  min: number;
  max: number;
}

/** A median with its spread, as a row carries it: a median always says what it is the median of. */
export function measured(values: readonly number[]): { value: number; spread: Spread } {
  return { value: median(values), spread: { rounds: values.length, min: Math.min(...values), max: Math.max(...values) } };
}

/** A figure as the tables print it: "21,950", "17.3", "0.86". */
export function formatFigure(value: number): string {
  return Math.abs(value) >= 1000 ? Math.round(value).toLocaleString('en-US') : value.toFixed(Math.abs(value) >= 10 ? 1 : 2);
}

/** "median of 5 (min 21,950, max 23,410 req/s)". */
export function spreadText({ rounds, min, max }: Spread, unit: string): string {
  return `median of ${rounds} (min ${formatFigure(min)}, max ${formatFigure(max)}${unit === '×' ? '×' : ` ${unit}`})`;
}

export type Direction = 'at-least' | 'at-most';

export interface Row {
  metric: string;
  value: number;
  unit: string;
  goal?: { direction: Direction; target: number };
  /** Absent for a figure measured once (a file's size). */
  spread?: Spread;
  /** What the figure needs besides its spread: the load applied, what it was measured against. */
  note?: string;
}

export function meetsGoal(row: Row): boolean | undefined {
  if (!row.goal) return undefined;
  return row.goal.direction === 'at-least' ? row.value >= row.goal.target : row.value <= row.goal.target;
}

function formatValue(value: number, unit: string): string {
  const digits = unit === '×' ? 2 : Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return `${value.toFixed(digits)}${unit === '×' ? '×' : ` ${unit}`}`;
}

/** A Markdown table, readable in a terminal and pasteable into the README. */
export function markdownTable(rows: readonly Row[]): string {
  const lines = rows.map((row) => {
    const met = meetsGoal(row);
    const goal = row.goal ? `${row.goal.direction === 'at-least' ? '≥' : '≤'} ${formatValue(row.goal.target, row.unit)}` : '';
    const status = met === undefined ? '' : met ? 'met' : 'not met';
    const note = [row.spread && spreadText(row.spread, row.unit), row.note].filter(Boolean).join('; ');
    return [row.metric, formatValue(row.value, row.unit), goal, status, note];
  });
  const header = ['measure', 'figure', 'goal', '', 'note'];
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((line) => (line[i] as string).length)));
  const render = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i] as number)).join(' | ')} |`;
  return [render(header), render(widths.map((w) => '-'.repeat(w))), ...lines.map(render)].join('\n');
}
