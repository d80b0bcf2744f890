/*
 * Terraform's apply graph (`terraform graph -type=apply -plan=...`, DOT), read as "what waits for
 * what". An edge A -> B means A runs only after B has finished.
 */

export type GraphAction = 'apply' | 'destroy';

export class ApplyGraph {
  private readonly edges = new Map<string, Set<string>>();
  readonly nodes = new Set<string>();

  constructor(dot: string) {
    for (const match of dot.matchAll(/^\s*"\[root\] ([^"]+)"\s*(?:->\s*"\[root\] ([^"]+)")?/gm)) {
      const from = match[1]!;
      this.nodes.add(from);
      if (!match[2]) continue;
      this.nodes.add(match[2]);
      const targets = this.edges.get(from) ?? new Set<string>();
      targets.add(match[2]);
      this.edges.set(from, targets);
    }
  }

  /**
   * The nodes that carry out `action` on the resource at `address` (its config address, without
   * an index): its instances' apply nodes, or their destroy nodes, deposed ones included.
   */
  nodesFor(address: string, action: GraphAction): string[] {
    const escaped = address.replace(/[.[\]]/g, '\\$&');
    const pattern =
      action === 'apply'
        ? new RegExp(`^${escaped}(\\[[^\\]]+\\])?$`)
        : new RegExp(`^${escaped}(\\[[^\\]]+\\])? \\(destroy( deposed [0-9a-f]+)?\\)$`);
    return [...this.nodes].filter((node) => pattern.test(node));
  }

  /** Every edge, "A -> B" (A waits for B), sorted: two graphs with the same list order an apply the same way. */
  edgeList(): string[] {
    return [...this.edges].flatMap(([from, targets]) => [...targets].map((to) => `${from} -> ${to}`)).sort();
  }

  /** Whether `node` waits, directly or not, for `target`. */
  waitsFor(node: string, target: string): boolean {
    const seen = new Set<string>();
    const stack = [node];
    while (stack.length) {
      const next = stack.pop()!;
      for (const dependency of this.edges.get(next) ?? []) {
        if (dependency === target) return true;
        if (!seen.has(dependency)) {
          seen.add(dependency);
          stack.push(dependency);
        }
      }
    }
    return false;
  }
}
