/*
 * Two plans compared the way Terraform would carry them out: the same resource addresses, the same
 * actions, the same planned values (known ones, and which ones are known only after apply), and the
 * same outputs. Used to show that a stack written another way (HCL) plans exactly as the original.
 */
import type { Json } from '../../src/stacks/synthesized-stack';

export interface ComparablePlan {
  resource_changes: Array<{
    address: string;
    change: { actions: string[]; after: Json | Record<string, unknown> | null; after_unknown?: Json; after_sensitive?: Json };
  }>;
  output_changes?: Record<string, { actions?: string[]; after?: Json | unknown; after_unknown?: Json }>;
}

/** Paths below `path` where `a` and `b` differ, e.g. `aws_lb.x.after.idle_timeout`. */
function valueDifferences(a: unknown, b: unknown, path: string, found: string[]): void {
  if (a === b) return;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) found.push(`${path} (${a.length} vs ${b.length} items)`);
    else a.forEach((item, i) => valueDifferences(item, b[i], `${path}[${i}]`, found));
    return;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const left = a as Record<string, unknown>;
    const right = b as Record<string, unknown>;
    for (const key of new Set([...Object.keys(left), ...Object.keys(right)]))
      valueDifferences(left[key], right[key], `${path}.${key}`, found);
    return;
  }
  found.push(`${path}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
}

/** Every difference between two plans, one line each; empty when they would apply the same. */
export function planDifferences(a: ComparablePlan, b: ComparablePlan, [first, second] = ['first', 'second']): string[] {
  const found: string[] = [];
  const left = new Map(a.resource_changes.map((r) => [r.address, r.change]));
  const right = new Map(b.resource_changes.map((r) => [r.address, r.change]));
  for (const address of left.keys()) if (!right.has(address)) found.push(`${address} only in the ${first} plan`);
  for (const address of right.keys()) if (!left.has(address)) found.push(`${address} only in the ${second} plan`);
  for (const [address, change] of left) {
    const other = right.get(address);
    if (!other) continue;
    valueDifferences(change.actions, other.actions, `${address}.actions`, found);
    valueDifferences(change.after, other.after, `${address}.after`, found);
    valueDifferences(change.after_unknown, other.after_unknown, `${address}.after_unknown`, found);
    valueDifferences(change.after_sensitive, other.after_sensitive, `${address}.after_sensitive`, found);
  }
  const outputsA = a.output_changes ?? {};
  const outputsB = b.output_changes ?? {};
  for (const name of new Set([...Object.keys(outputsA), ...Object.keys(outputsB)])) {
    const [l, r] = [outputsA[name], outputsB[name]];
    if (!l || !r) found.push(`output ${name} only in the ${l ? first : second} plan`);
    else
      valueDifferences({ after: l.after, unknown: l.after_unknown }, { after: r.after, unknown: r.after_unknown }, `output.${name}`, found);
  }
  return found;
}
