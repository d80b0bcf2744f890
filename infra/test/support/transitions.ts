import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { schemasOf } from '../../src/hcl/provider-schema';
import { ApplyGraph } from './apply-graph';
import type { OfflineStackDir, PlanJson } from './offline-terraform';
import type { SynthesizedStack } from '../../src/stacks/synthesized-stack';
import { priorStateFrom, type PlanForState, type ProviderSchemas } from './prior-state';

export type Vars = Record<string, string>;

/** What one `terraform apply` would do: each resource's actions, and the order Terraform would run them in. */
export interface Transition {
  /** Config address (no index) → the actions of its instances, e.g. ["update"] or ["create"]. */
  readonly actions: ReadonlyMap<string, readonly string[]>;
  readonly graph: ApplyGraph;
  readonly plan: PlanJson;
}

const configAddress = (address: string) => address.replace(/\[[^\]]+\]$/, '');

/** Writes `state` as the directory's (offline) state, or removes it. */
export function setState(dir: OfflineStackDir, state: object | undefined): void {
  const path = join(dir.dir, 'offline.tfstate');
  if (state) writeFileSync(path, JSON.stringify(state));
  else rmSync(path, { force: true });
}

/**
 * What a plan of `dir` against `state` would add, change and remove, from the change summary of
 * `terraform plan -json` (outputs are not in a built state, so they always show as new and are
 * not counted).
 */
export function plannedChanges(dir: OfflineStackDir, state: object, vars: Vars): { add: number; change: number; remove: number } {
  setState(dir, state);
  const result = dir.runOrThrow(['plan', '-input=false', '-lock=false', '-refresh=false', '-json'], vars);
  const messages = result.stdout
    .split('\n')
    .map((line) => (line.startsWith('{') ? (JSON.parse(line) as { type?: string; changes?: Record<string, number> }) : {}));
  const changes = messages.find((m) => m.type === 'change_summary')?.changes;
  if (!changes) throw new Error('terraform plan -json printed no change summary');
  return { add: changes.add ?? 0, change: changes.change ?? 0, remove: changes.remove ?? 0 };
}

/**
 * Plans transitions of a synthesized stack between variable settings, offline: the state before
 * is the one Terraform would hold after applying the first setting (see prior-state.ts), built by
 * planning until the plan against it changes nothing.
 *
 * Every terraform command here starts the AWS provider, about 2 s of CPU each on this machine, so
 * the lab runs as few as it can: a transition's plan already holds the state after it, so the
 * next transition from there only confirms it (one plan) instead of settling from scratch;
 * transitions are remembered; and the apply graph is drawn only when a test reads it.
 */
export class TransitionLab {
  private schemas?: ProviderSchemas;
  private readonly settled = new Map<string, object>();
  /** States after a planned transition, not yet confirmed to be settled. */
  private readonly candidates = new Map<string, object>();
  private readonly transitions = new Map<string, Transition>();
  private plans = 0;

  constructor(
    private readonly dir: OfflineStackDir,
    private readonly config: SynthesizedStack,
  ) {}

  private showJson(planFile: string): PlanJson & PlanForState {
    return JSON.parse(this.dir.runOrThrow(['show', '-json', planFile]).stdout) as PlanJson & PlanForState;
  }

  private providerSchemas(): ProviderSchemas {
    this.schemas ??= schemasOf(this.dir.dir, this.dir.env) as unknown as ProviderSchemas;
    return this.schemas;
  }

  /** A saved plan against `state`, in a file of its own so a graph can be drawn from it later. */
  private planAgainst(state: object | undefined, vars: Vars, extra: string[] = []): { plan: PlanJson & PlanForState; file: string } {
    setState(this.dir, state);
    const file = `transition-${(this.plans += 1)}.plan`;
    this.dir.runOrThrow(['plan', '-input=false', '-lock=false', '-refresh=false', `-out=${file}`, ...extra], vars);
    return { plan: this.showJson(file), file };
  }

  private changesNothing(state: object, vars: Vars): boolean {
    const changes = plannedChanges(this.dir, state, vars);
    return changes.add === 0 && changes.change === 0 && changes.remove === 0;
  }

  /** Takes `state` as the one after applying `vars`, e.g. a state another lab settled for an equivalent stack. */
  adopt(vars: Vars, state: object): void {
    this.settled.set(JSON.stringify(vars), state);
  }

  /**
   * The state after applying `vars`. It starts from the state a transition to `vars` planned, or
   * from one already settled for other variables (most resources are the same), and plans until
   * nothing changes.
   */
  stateAfter(vars: Vars): object {
    const key = JSON.stringify(vars);
    const known = this.settled.get(key);
    if (known) return known;
    const candidate = this.candidates.get(key);
    if (candidate && this.changesNothing(candidate, vars)) {
      this.settled.set(key, candidate);
      return candidate;
    }
    let state: object | undefined = this.settled.values().next().value;
    for (let round = 0; round < 8; round++) {
      const { plan } = this.planAgainst(state, vars);
      const changing = plan.resource_changes.filter((r) => r.mode === 'managed' && r.change.actions.join() !== 'no-op');
      if (state && !changing.length) {
        this.settled.set(key, state);
        return state;
      }
      state = priorStateFrom(plan, this.config, this.providerSchemas());
    }
    throw new Error(`the state for ${key} did not settle in 8 plans`);
  }

  /** One apply from the state after `from` (undefined: nothing deployed yet) to `to`, or a destroy. */
  transition(from: Vars | undefined, to: Vars | 'destroy'): Transition {
    const key = JSON.stringify([from ?? null, to]);
    const known = this.transitions.get(key);
    if (known) return known;
    const prior = from ? this.stateAfter(from) : undefined;
    const { plan, file } = to === 'destroy' ? this.planAgainst(prior, from ?? {}, ['-destroy']) : this.planAgainst(prior, to);
    if (to !== 'destroy' && !this.settled.has(JSON.stringify(to))) {
      this.candidates.set(JSON.stringify(to), priorStateFrom(plan, this.config, this.providerSchemas()));
    }
    const actions = new Map<string, string[]>();
    for (const change of plan.resource_changes) {
      if (change.mode !== 'managed' || change.change.actions.join() === 'no-op') continue;
      const address = configAddress(change.address);
      actions.set(address, [...new Set([...(actions.get(address) ?? []), ...change.change.actions])]);
    }
    let graph: ApplyGraph | undefined;
    const drawGraph = () => new ApplyGraph(this.dir.runOrThrow(['graph', '-type=apply', `-plan=${file}`]).stdout);
    const transition: Transition = {
      actions,
      plan,
      get graph() {
        return (graph ??= drawGraph());
      },
    };
    this.transitions.set(key, transition);
    return transition;
  }
}
