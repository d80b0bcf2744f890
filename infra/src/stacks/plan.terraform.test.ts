import { ENVIRONMENTS } from '../config/environments';
import { offlineTerraform, OfflineStackDir, type PlanJson, type TerraformResult } from '../../test/support/offline-terraform';
import { synthStack } from '../../test/support/synth-stack';

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

/**
 * [Lambda, Fargate] weights of the routing rule. Its target groups are a set of ARNs not known
 * before apply, so the rule's weights are compared as a set against the stack's own output.
 */
const routingWeights = (plan: PlanJson) => {
  const rule = plan.resource_changes.find((r) => r.type === 'aws_lb_listener_rule');
  const action = (rule?.change.after?.action as Array<{ forward: Array<{ target_group: Array<{ weight: number }> }> }>)[0];
  const ruleWeights = action?.forward[0]?.target_group.map((tg) => tg.weight).sort();
  const output = plan.output_changes?.traffic_weights?.after as { lambda: number; fargate: number };
  expect(ruleWeights).toEqual([output.lambda, output.fargate].sort());
  return [output.lambda, output.fargate];
};
const plannedCount = (plan: PlanJson, type: string, attribute: string) =>
  plan.resource_changes.find((r) => r.type === type)?.change.after?.[attribute];
const instances = (plan: PlanJson, type: string) =>
  plan.resource_changes.filter((r) => r.type === type && r.change.actions.join() !== 'delete').length;

/** The variable settings each stack is planned with; all plans of a stack start at once. */
const SETTINGS = {
  defaults: {},
  agreeing: { compute: 'fargate', lambda_weight: '0' },
  lambda: { compute: 'lambda' },
  fargate: { compute: 'fargate' },
  canary: { lambda_weight: '50' },
  standby: { compute: 'lambda', fargate_standby: 'true' },
} satisfies Record<string, Record<string, string>>;

/** Settings the stack must refuse, and what it says. The variables are the same code in every stack. */
const REFUSED: Array<[Record<string, string>, string]> = [
  [{ compute: 'ec2' }, 'compute must be "lambda" or "fargate"'],
  [{ lambda_weight: '101' }, 'lambda_weight must be a whole number from 0 to 100'],
  [{ lambda_weight: '12.5' }, 'lambda_weight must be a whole number from 0 to 100'],
  [{ compute: 'fargate', lambda_weight: '100' }, 'compute and lambda_weight disagree'],
  [{ compute: 'lambda', lambda_weight: '50' }, 'compute and lambda_weight disagree'],
];

/** Starts now; a failure surfaces in the test that awaits it, not as an unhandled rejection. */
function started<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

describeWithTerraform.each(Object.values(ENVIRONMENTS))('terraform on the $name stack (offline)', (environment) => {
  const checksVariables = environment === Object.values(ENVIRONMENTS)[0];
  let dir: OfflineStackDir;
  let validated: Promise<TerraformResult>;
  let plans: Record<keyof typeof SETTINGS, Promise<PlanJson>>;
  let refusals: Array<Promise<TerraformResult>>;
  beforeAll(() => {
    if (!terraform.available) return;
    dir = new OfflineStackDir(synthStack(environment), terraform.env);
    const init = dir.init();
    if (init.status !== 0) throw new Error(`terraform init failed:\n${init.output}`);
    validated = started(dir.runAsync(['validate']));
    plans = Object.fromEntries(Object.entries(SETTINGS).map(([name, vars]) => [name, started(dir.plan(vars))])) as typeof plans;
    refusals = checksVariables ? REFUSED.map(([vars]) => started(dir.runAsync(['plan', '-input=false', '-lock=false'], vars))) : [];
  }, 60_000);
  afterAll(async () => {
    // Every command must end before its directory goes.
    await Promise.allSettled([validated, ...Object.values(plans ?? {}), ...(refusals ?? [])]);
    dir?.remove();
  }, 120_000);

  test('validates', async () => {
    const result = await validated;
    expect(result.output).toContain('The configuration is valid');
    expect(result.status).toBe(0);
  }, 120_000);

  test('plans with the defaults, creating everything and serving from the configured compute', async () => {
    const defaults = await plans.defaults;
    const managed = defaults.resource_changes.filter((r) => r.mode === 'managed');
    expect(managed.length).toBeGreaterThan(40);
    expect(managed.filter((r) => r.change.actions.join() !== 'create')).toEqual([]);
    expect(defaults.output_changes?.active_compute?.after).toBe(environment.defaultCompute);
  }, 120_000);

  test('compute and lambda_weight may both be set when they agree', async () => {
    expect(routingWeights(await plans.agreeing)).toEqual([0, 100]);
  }, 120_000);

  test('a switch changes only the routing weights and the capacity that follows them', async () => {
    const [lambda, fargate, canary] = await Promise.all([plans.lambda, plans.fargate, plans.canary]);

    const allowed = [
      /^aws_lb_listener_rule\.routing_rule\.action$/,
      // Present in one plan only: created, or not, with the split.
      /^aws_ecs_task_set\.fargate_tasks_\w+\[0\]/,
      /^terraform_data\.fargate_drain-gate_\w+\[0\]/,
      /^aws_lambda_invocation\.lambda_warm-up_\w+\[0\]/,
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

    expect(routingWeights(lambda)).toEqual([100, 0]);
    expect(routingWeights(fargate)).toEqual([0, 100]);
    expect(routingWeights(canary)).toEqual([50, 50]);
    expect(instances(lambda, 'aws_ecs_task_set')).toBe(0);
    expect(instances(fargate, 'aws_ecs_task_set')).toBe(1);
    expect(instances(fargate, 'aws_lambda_invocation')).toBe(0);
    expect(instances(canary, 'aws_lambda_invocation')).toBe(1);
    expect(plannedCount(lambda, 'aws_appautoscaling_target', 'min_capacity')).toBe(environment.fargate.minTasks);
    expect(plannedCount(lambda, 'aws_appautoscaling_target', 'max_capacity')).toBe(environment.fargate.maxTasks);
    expect(plannedCount(fargate, 'aws_ecs_service', 'desired_count')).toBe(environment.fargate.minTasks);
  }, 120_000);

  test('fargate_standby keeps tasks running with no Fargate traffic', async () => {
    const standby = await plans.standby;
    expect(routingWeights(standby)).toEqual([100, 0]);
    expect(instances(standby, 'aws_ecs_task_set')).toBe(1);
  }, 120_000);

  if (!checksVariables) return;
  test.each(REFUSED.map(([vars, message], i) => [vars, message, i] as const))(
    'rejects %j with a clear message',
    async (_vars, message, i) => {
      const result = await refusals[i]!;
      expect(result.status).not.toBe(0);
      expect(result.output.replace(/\s+/g, ' ')).toContain(message);
    },
    120_000,
  );
});
