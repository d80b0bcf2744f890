import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApplyGraph } from './apply-graph';
import type { OfflineStackDir, PlanJson } from './offline-terraform';
import { priorStateFrom, type PlanForState, type ProviderSchemas, type StackConfig } from './prior-state';

export type Vars = Record<string, string>;

/** What one `terraform apply` would do: each resource's actions, and the order Terraform would run them in. */
export interface Transition {
  /** Config address (no index) → the actions of its instances, e.g. ["update"] or ["create"]. */
  readonly actions: ReadonlyMap<string, readonly string[]>;
  readonly graph: ApplyGraph;
  readonly plan: PlanJson;
}

const configAddress = (address: string) => address.replace(/\[[^\]]+\]$/, '');

/**
 * Plans transitions of a synthesized stack between variable settings, offline: the state before
 * is the one Terraform would hold after applying the first setting (see prior-state.ts), built by
 * planning until the plan against it changes nothing.
 */
export class TransitionLab {
  private schemas?: ProviderSchemas;
  private readonly settled = new Map<string, object>();

  constructor(
    private readonly dir: OfflineStackDir,
    private readonly config: StackConfig,
  ) {}

  private terraform(args: string[], vars: Vars = {}): string {
    const result = this.dir.run(args, vars);
    if (result.status !== 0) throw new Error(`terraform ${args[0]} failed:\n${result.output}`);
    return result.output;
  }

  private showJson(planFile: string): PlanJson & PlanForState {
    return JSON.parse(
      execFileSync('terraform', [`-chdir=${this.dir.dir}`, 'show', '-json', planFile], {
        env: this.dir.env,
        encoding: 'utf8',
        maxBuffer: 256 * 1024 * 1024,
      }),
    ) as PlanJson & PlanForState;
  }

  private providerSchemas(): ProviderSchemas {
    this.schemas ??= JSON.parse(
      execFileSync('terraform', [`-chdir=${this.dir.dir}`, 'providers', 'schema', '-json'], {
        env: this.dir.env,
        encoding: 'utf8',
        maxBuffer: 256 * 1024 * 1024,
      }),
    ) as ProviderSchemas;
    return this.schemas;
  }

  private setState(state: object | undefined): void {
    const path = join(this.dir.dir, 'offline.tfstate');
    if (state) writeFileSync(path, JSON.stringify(state));
    else rmSync(path, { force: true });
  }

  private planAgainst(state: object | undefined, vars: Vars, extra: string[] = []): PlanJson & PlanForState {
    this.setState(state);
    this.terraform(['plan', '-input=false', '-lock=false', '-refresh=false', '-out=transition.plan', ...extra], vars);
    return this.showJson('transition.plan');
  }

  /**
   * The state after applying `vars`. Planning starts from a state already settled for other
   * variables, when there is one: most resources are the same, so it settles in fewer plans.
   */
  stateAfter(vars: Vars): object {
    const key = JSON.stringify(vars);
    const known = this.settled.get(key);
    if (known) return known;
    let state: object | undefined = this.settled.values().next().value;
    for (let round = 0; round < 8; round++) {
      const plan = this.planAgainst(state, vars);
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
    const prior = from ? this.stateAfter(from) : undefined;
    const plan = to === 'destroy' ? this.planAgainst(prior, from ?? {}, ['-destroy']) : this.planAgainst(prior, to);
    const actions = new Map<string, string[]>();
    for (const change of plan.resource_changes) {
      if (change.mode !== 'managed' || change.change.actions.join() === 'no-op') continue;
      const address = configAddress(change.address);
      actions.set(address, [...new Set([...(actions.get(address) ?? []), ...change.change.actions])]);
    }
    const graph = new ApplyGraph(this.terraform(['graph', '-type=apply', '-plan=transition.plan']));
    return { actions, graph, plan };
  }
}
