import { ENVIRONMENTS } from '../config/environments';
import { offlineTerraform, OfflineStackDir, type PlanJson } from '../testing/offline-terraform';
import { synthStack } from '../testing/synth-stack';

/*
 * The real terraform CLI on every synthesized stack, offline: validate, plan, and what a flip of the
 * compute variables changes. Where terraform or the provider mirror is missing these tests say so
 * and skip; everywhere else they run.
 */
const terraform = offlineTerraform();
if (!terraform.available) {
  console.warn(`\n*** SKIPPING terraform validate/plan tests: ${terraform.reason} ***\n`);
}
const describeWithTerraform = terraform.available ? describe : describe.skip;

/** Planned attribute values per resource, for comparing plans. */
function plannedResources(plan: PlanJson): Record<string, unknown> {
  return Object.fromEntries(plan.resource_changes.map((r) => [r.address, r.change.after]));
}

/** "address.attribute" for every top-level attribute that differs between two plans. */
function differences(a: PlanJson, b: PlanJson): string[] {
  const left = plannedResources(a);
  const right = plannedResources(b);
  const changed: string[] = [];
  for (const address of new Set([...Object.keys(left), ...Object.keys(right)])) {
    const l = (left[address] ?? {}) as Record<string, unknown>;
    const r = (right[address] ?? {}) as Record<string, unknown>;
    if (!(address in left) || !(address in right)) changed.push(`${address} (only in one plan)`);
    for (const key of new Set([...Object.keys(l), ...Object.keys(r)])) {
      if (JSON.stringify(l[key]) !== JSON.stringify(r[key])) changed.push(`${address.replace(/_[0-9A-F]{8}$/, '')}.${key}`);
    }
  }
  return changed.sort();
}

const forwardWeights = (plan: PlanJson) => {
  const listener = plan.resource_changes.find((r) => r.type === 'aws_lb_listener' && JSON.stringify(r.change.after).includes('"forward"'));
  const action = (listener?.change.after?.default_action as Array<{ forward: Array<{ target_group: Array<{ weight: number }> }> }>)[0];
  return action?.forward[0]?.target_group.map((tg) => tg.weight).sort();
};
const plannedCount = (plan: PlanJson, type: string, attribute: string) =>
  plan.resource_changes.find((r) => r.type === type)?.change.after?.[attribute];

describeWithTerraform.each(Object.values(ENVIRONMENTS))('terraform on the $name stack (offline)', (environment) => {
  let dir: OfflineStackDir;
  beforeAll(() => {
    if (!terraform.available) return;
    dir = new OfflineStackDir(synthStack(environment), terraform.env);
    const init = dir.init();
    if (init.status !== 0) throw new Error(`terraform init failed:\n${init.output}`);
  }, 60_000);

  test('validates', () => {
    const result = dir.run(['validate']);
    expect(result.output).toContain('The configuration is valid');
    expect(result.status).toBe(0);
  });

  let defaults: PlanJson;
  test('plans with the defaults, creating everything and serving from the configured compute', () => {
    defaults = dir.plan();
    const managed = defaults.resource_changes.filter((r) => r.mode === 'managed');
    expect(managed.length).toBeGreaterThan(40);
    expect(managed.filter((r) => r.change.actions.join() !== 'create')).toEqual([]);
    expect(defaults.output_changes?.active_compute?.after).toBe(environment.defaultCompute);
  }, 60_000);

  test('a flip changes only listener weights, the ECS desired count and the autoscaling bounds', () => {
    const lambda = environment.defaultCompute === 'lambda' ? defaults : dir.plan({ compute: 'lambda' });
    const fargate = environment.defaultCompute === 'fargate' ? defaults : dir.plan({ compute: 'fargate' });
    const canary = dir.plan({ compute: 'lambda', lambda_weight: '50' });

    const allowed = [
      /^aws_lb_listener\.listeners_(http|https)\.default_action$/,
      /^aws_ecs_service\.fargate_service\.desired_count$/,
      /^aws_appautoscaling_target\.autoscaling_target\.(min|max)_capacity$/,
    ];
    for (const [a, b] of [
      [lambda, fargate],
      [lambda, canary],
      [fargate, canary],
    ] as const) {
      const changed = differences(a, b);
      expect(changed.length).toBeGreaterThan(0);
      expect(changed.filter((c) => !allowed.some((pattern) => pattern.test(c)))).toEqual([]);
    }

    expect(forwardWeights(lambda)).toEqual([0, 100]);
    expect(forwardWeights(canary)).toEqual([50, 50]);
    expect(plannedCount(lambda, 'aws_ecs_service', 'desired_count')).toBe(0);
    expect(plannedCount(lambda, 'aws_appautoscaling_target', 'max_capacity')).toBe(0);
    expect(plannedCount(fargate, 'aws_ecs_service', 'desired_count')).toBe(environment.fargate.minTasks);
    expect(plannedCount(canary, 'aws_appautoscaling_target', 'min_capacity')).toBe(environment.fargate.minTasks);
    expect(plannedCount(canary, 'aws_appautoscaling_target', 'max_capacity')).toBe(environment.fargate.maxTasks);
  }, 120_000);

  test('fargate_standby keeps tasks running with no Fargate traffic', () => {
    const standby = dir.plan({ compute: 'lambda', fargate_standby: 'true' });
    expect(forwardWeights(standby)).toEqual([0, 100]);
    expect(plannedCount(standby, 'aws_ecs_service', 'desired_count')).toBe(environment.fargate.minTasks);
  }, 60_000);

  // The variables are the same code in every stack; checking them on one is enough.
  if (environment !== Object.values(ENVIRONMENTS)[0]) return;
  test.each([
    [{ compute: 'ec2' }, 'compute must be "lambda" or "fargate"'],
    [{ lambda_weight: '101' }, 'lambda_weight must be a whole number from 0 to 100'],
    [{ lambda_weight: '12.5' }, 'lambda_weight must be a whole number from 0 to 100'],
  ])('rejects %j with a clear message', (vars, message) => {
    const result = dir.run(['plan', '-input=false'], vars);
    expect(result.status).not.toBe(0);
    expect(result.output.replace(/\s+/g, ' ')).toContain(message);
  });
});
