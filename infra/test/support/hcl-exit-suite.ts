import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EnvironmentConfig } from '../../src/config/environments';
import { schemasOf } from '../../src/hcl/provider-schema';
import { GENERATED_MARK, type HclSchemas } from '../../src/hcl/render-hcl';
import { exportedImageTag, IMAGE_TAG_VARIABLE, writeHcl } from '../../src/hcl/write-hcl';
import { evaluate, RULES, type Finding } from '../../src/policy/policy';
import { BLIND_FROM_A_PLAN, stackJsonFromPlan, type PlanWithConfiguration } from '../../src/policy/plan-view';
import { StackView } from '../../src/policy/stack-view';
import type { SynthesizedStack } from '../../src/stacks/synthesized-stack';
import { hclStackDir } from './hcl-stack-dir';
import type { OfflineStackDir, PlanJson } from './offline-terraform';
import { planDifferences, type ComparablePlan } from './plan-diff';
import { addressOf, REPOSITORY_ROOT } from './synth-stack';
import type { StackFixture } from './stack-fixture';
import { runInfraScript } from './infra-script';
import { plannedChanges, setState, TransitionLab, type Vars } from './transitions';

/*
 * The way out of CDKTF, proven with Terraform itself: the stack written as HCL (as `pnpm infra:hcl`
 * writes it) is canonical, valid, plans exactly as the synthesized JSON does for every setting of
 * the switch, and takes over the JSON stack's state with nothing to change.
 */

/** The switch's settings: each is planned from an empty state by both stacks. */
const SETTINGS: Record<string, Vars> = {
  'defaults (Lambda)': {},
  fargate: { compute: 'fargate' },
  canary: { lambda_weight: '50' },
  'standby and a prebuilt image': {
    compute: 'lambda',
    fargate_standby: 'true',
    image_uri: '123456789012.dkr.ecr.us-east-1.amazonaws.com/other@sha256:' + 'a'.repeat(64),
  },
};

// The apply graphs below prove what the lifecycle blocks a plan cannot show do in the HCL.

export interface HclExitOptions {
  /** Also run the commands end to end (infra:policy, a repeated export): once is enough, in one stack. */
  commands: boolean;
}

export function describeHclExit(environment: EnvironmentConfig, fixture: StackFixture, { commands }: HclExitOptions): void {
  const stackName = `switchyard-${environment.name}`;
  const { stack, env } = fixture;
  // The commands' tests run end to end in one stack only (dev); in the other they show as skipped.
  const skip = test.skip;
  let hcl: OfflineStackDir;
  let schemas: HclSchemas;
  let files: Array<{ name: string; bytes: number }>;

  beforeAll(() => {
    schemas = schemasOf(fixture.json.dir, env);
    const written = hclStackDir(stack, stackName, env, schemas);
    hcl = written.dir;
    files = written.written.files;
    const hclInit = hcl.init();
    if (hclInit.status !== 0) throw new Error(`terraform init of the HCL failed:\n${hclInit.output}`);
  }, 120_000);
  afterAll(() => hcl?.remove());

  test('the HCL is in terraform fmt’s canonical format, and terraform validate accepts it', async () => {
    const [fmt, validate] = await Promise.all([hcl.runAsync(['fmt', '-check', '-diff']), hcl.runAsync(['validate'])]);
    expect(fmt).toMatchObject({ status: 0, output: '' });
    expect(validate.output).toContain('The configuration is valid');
    const total = files.reduce((sum, f) => sum + f.bytes, 0);
    console.log(`${stackName}: ${files.length} HCL files, ${total} bytes: ${files.map((f) => `${f.name} ${f.bytes}`).join(', ')}`);
  }, 60_000);

  test('the variables keep their validation: bad values are refused with the JSON stack’s messages', async () => {
    const rules = (name: string) => (stack.variable?.[name]?.validation as Array<{ error_message: string }>).map((v) => v.error_message);
    const cases: Array<[Vars, string]> = [
      [{ compute: 'ec2' }, rules('compute')[0]!],
      [{ lambda_weight: '150' }, rules('lambda_weight')[0]!],
      [{ compute: 'lambda', lambda_weight: '0' }, rules('lambda_weight')[1]!],
      // The one variable the HCL adds.
      [{ [IMAGE_TAG_VARIABLE]: '-not a tag' }, `${IMAGE_TAG_VARIABLE} must be an image tag`],
    ];
    const results = await Promise.all(cases.map(([bad]) => hcl.runAsync(['plan', '-input=false', '-lock=false'], bad)));
    results.forEach((result, i) => {
      expect(result.status).not.toBe(0);
      expect(result.output.replace(/\s+/g, ' ')).toContain('Invalid value for variable');
      expect(result.output.replace(/\s+/g, ' ')).toContain(cases[i]![1].replace(/\s+/g, ' '));
    });
  }, 120_000);

  test.each(Object.entries(SETTINGS))(
    'planned from an empty state with %s, the HCL and the JSON stack list the same addresses, actions, values and outputs',
    async (_, vars) => {
      // The lab leaves the state of its last plan in the JSON stack's directory: start from none.
      for (const dir of [fixture.json, hcl]) setState(dir, undefined);
      const [fromJson, fromHcl] = (await Promise.all([fixture.json.plan(vars), hcl.plan(vars)])) as [
        PlanJson & ComparablePlan,
        PlanJson & ComparablePlan,
      ];
      expect(fromJson.resource_changes.length).toBeGreaterThan(50);
      expect(planDifferences(fromJson, fromHcl, ['JSON', 'HCL'])).toEqual([]);

      // The comparison is not blind: one value changed in the HCL plan is reported.
      const altered = structuredClone(fromHcl);
      const logGroup = altered.resource_changes.find((r) => r.address.startsWith('aws_cloudwatch_log_group.'))!;
      (logGroup.change.after as Record<string, unknown>).retention_in_days = 1;
      expect(planDifferences(fromJson, altered, ['JSON', 'HCL'])).toEqual([
        `${logGroup.address}.after.retention_in_days: ${String((fromJson.resource_changes.find((r) => r.address === logGroup.address)!.change.after as Record<string, unknown>).retention_in_days)} vs 1`,
      ]);
      const created = fromHcl.resource_changes.filter((r) => r.change.actions.includes('create')).length;
      console.log(
        `${stackName} ${JSON.stringify(vars)}: ${fromHcl.resource_changes.length} resource instances (${created} to create) and ` +
          `${Object.keys(fromHcl.output_changes ?? {}).length} outputs, identical in both plans`,
      );
    },
    120_000,
  );

  describe('a state written by the JSON stack', () => {
    /** Saves a plan of the HCL against `state` (undefined: none) in `file`. */
    const savePlan = (file: string, state: object | undefined, vars: Vars): void => {
      setState(hcl, state);
      const planned = hcl.run(['plan', '-input=false', '-lock=false', '-refresh=false', `-out=${file}`], vars);
      if (planned.status !== 0) throw new Error(`terraform plan failed:\n${planned.output}`);
    };

    test.each([
      ['Lambda', { compute: 'lambda' }],
      ['Fargate', { compute: 'fargate' }],
    ] as Array<[string, Vars]>)(
      'serving %s, is taken over by the HCL stack with nothing to add, change or remove',
      (_, vars) => {
        // The lab's state is settled: the JSON stack plans no change against it.
        const state = fixture.lab.stateAfter(vars);
        expect(plannedChanges(hcl, state, vars)).toEqual({ add: 0, change: 0, remove: 0 });
        if (vars.compute === 'lambda') {
          // Against the same state, another setting does plan changes: the check can fail.
          expect(plannedChanges(hcl, state, { compute: 'fargate' })).not.toEqual({ add: 0, change: 0, remove: 0 });
        }
        setState(hcl, undefined);
      },
      180_000,
    );

    test(`a new ${IMAGE_TAG_VARIABLE} builds the sources under that tag and deploys it to both computes`, () => {
      const exported = exportedImageTag(stack)!;
      const tag = 'src-0123456789abcdef0123-x86_64';
      savePlan('tag.plan', fixture.lab.stateAfter({ compute: 'lambda' }), { compute: 'lambda', [IMAGE_TAG_VARIABLE]: tag });
      const plan = JSON.parse(hcl.run(['show', '-json', 'tag.plan']).stdout) as PlanJson;
      const change = (type: string) => plan.resource_changes.find((r) => r.type === type && r.change.actions.join() !== 'no-op');
      // The push runs again (it is replaced), for the new tag; the function and the task definitions take it.
      expect(change('terraform_data')?.change).toMatchObject({ after: { triggers_replace: { tag } } });
      expect([...change('terraform_data')!.change.actions].sort()).toEqual(['create', 'delete']);
      expect(String(change('aws_lambda_function')?.change.after?.image_uri)).toMatch(new RegExp(`:${tag}$`));
      expect(
        plan.resource_changes.filter((r) => r.type === 'aws_ecs_task_definition').every((r) => r.change.actions.includes('create')),
      ).toBe(true);
      expect(JSON.stringify(plan.resource_changes.map((r) => r.change.after))).not.toContain(exported);
      setState(hcl, undefined);
    }, 120_000);

    /** A saved plan of the HCL against the JSON stack's state serving Fargate, made once: its file name. */
    let policyPlan: string | undefined;
    const planForPolicy = (): string => {
      if (policyPlan) return policyPlan;
      savePlan('policy.plan', fixture.lab.stateAfter({ compute: 'fargate' }), { compute: 'fargate' });
      return (policyPlan = 'policy.plan');
    };

    test('the policy rules hold the HCL as they hold the JSON stack, judged from its plan (terraform show -json)', () => {
      const shown = hcl.run(['show', '-json', planForPolicy()]);
      expect(shown.status).toBe(0);
      const { json: fromPlan, unknown } = stackJsonFromPlan(JSON.parse(shown.stdout) as PlanWithConfiguration, schemas);
      expect(unknown).toEqual([]);
      const view = new StackView(stackName, fromPlan, false);
      const findings = evaluate(view);
      expect(findings.filter((f) => !f.waived)).toEqual([]);
      const ids = (list: Finding[]) => [...new Set(list.map((f) => f.ruleId))].sort();
      expect(ids(findings)).toEqual(ids(evaluate(new StackView(stackName, stack))));

      // Each rule sees what it judges in the plan: break the stack its way and it reports it, on the
      // plan's stack as on the synthesized one. A rule with nothing to judge in this stack (an
      // HTTPS listener, a production setting) is blind on both; a plan adds one blind spot only.
      const blindTo = (json: SynthesizedStack, lifecycleKnown: boolean) =>
        RULES.filter((rule) => {
          const broken = structuredClone(json);
          try {
            rule.breakingExample(broken);
          } catch {
            return true;
          }
          return rule.check(new StackView(stackName, broken, lifecycleKnown)).length === 0;
        }).map((rule) => rule.id);
      const blindInJson = blindTo(stack, true);
      const blindInPlan = blindTo(fromPlan, false);
      expect(blindInPlan.filter((id) => !blindInJson.includes(id))).toEqual([...BLIND_FROM_A_PLAN.rules]);
      console.log(
        `${stackName}: ${RULES.length} policy rules on the HCL's plan, the same findings as on the JSON stack; ` +
          `${RULES.length - blindInPlan.length} shown to catch their break there (blind in this stack either way: ${blindInJson.join(', ') || 'none'})`,
      );
    }, 180_000);

    (commands ? test : skip)(
      'pnpm infra:policy judges a saved plan of the HCL: it passes, fails on a broken edit, and refuses a plan it cannot judge',
      () => {
        const fargate: Vars = { compute: 'fargate' };
        const policy = (plan: string) => runInfraScript('policy.ts', [hcl.dir, join(hcl.dir, plan)], env);
        const state = fixture.lab.stateAfter(fargate);
        const passing = policy(planForPolicy());
        expect(passing.stderr).toBe('');
        expect(passing.stdout).toContain(`${stackName}: ${RULES.length} rules, 0 failing`);
        expect(passing.status).toBe(0);

        // A team's edit that breaks a rule: image scanning turned off in the HCL.
        const file = readdirSync(hcl.dir).find(
          (name) => name.endsWith('.tf') && readFileSync(join(hcl.dir, name), 'utf8').includes('scan_on_push = true'),
        )!;
        const original = readFileSync(join(hcl.dir, file), 'utf8');
        writeFileSync(join(hcl.dir, file), original.replace('scan_on_push = true', 'scan_on_push = false'));
        try {
          savePlan('broken.plan', state, fargate);
          const failing = policy('broken.plan');
          expect(failing.stdout).toMatch(/FAILS {3}ECR\.1: registry_repository_\w+ does not scan on push/);
          expect(failing.stdout).toContain(`${stackName}: ${RULES.length} rules, 1 failing`);
          expect(failing.status).toBe(1);
        } finally {
          writeFileSync(join(hcl.dir, file), original);
        }

        // A first plan, from no state: the values that depend on what is not yet created are unknown
        // (a container definition, an alarm's dimensions, ...), and the refusal names the first of them.
        savePlan('first.plan', undefined, fargate);
        const unjudged = policy('first.plan');
        expect(unjudged.status).toBe(2);
        expect(unjudged.stderr).toMatch(
          /knows \d+ value\(s\) only after apply \(aws_\w+\.[\w-]+\.\w+[^)]*\), built from several others; .*Judge a plan made against the deployed state/s,
        );
      },
      180_000,
    );

    // The ordering that makes the switch safe (proven on the JSON stack by the apply-order tests)
    // is the HCL's too: Terraform draws the same apply graph for both.
    test.each([
      ['Lambda', 'Fargate', { compute: 'lambda' }, { compute: 'fargate' }],
      ['Fargate', 'Lambda', { compute: 'fargate' }, { compute: 'lambda' }],
    ] as Array<[string, string, Vars, Vars]>)(
      'a switch from %s to %s: the HCL plans the same actions and its apply graph is the JSON stack’s, edge for edge',
      (_, __, from, to) => {
        const hclLab = new TransitionLab(hcl, stack);
        hclLab.adopt(from, fixture.lab.stateAfter(from));
        const [viaJson, viaHcl] = [fixture.lab.transition(from, to), hclLab.transition(from, to)];
        expect([...viaHcl.actions]).toEqual([...viaJson.actions]);
        // The HCL has nodes more: the variable the image tag became, and its validation. They wait
        // only for each other, so setting their edges aside hides no ordering between resources.
        const tagNode = new RegExp(`\\bvar\\.${IMAGE_TAG_VARIABLE}\\b`);
        const [hclEdges, tagEdges] = [
          viaHcl.graph.edgeList().filter((e) => !tagNode.test(e)),
          viaHcl.graph.edgeList().filter((e) => tagNode.test(e)),
        ];
        const fromVariable = tagEdges.filter((edge) => edge.startsWith(`var.${IMAGE_TAG_VARIABLE}`));
        expect(fromVariable.length).toBeGreaterThan(0);
        expect(fromVariable.every((edge) => tagNode.test(edge.split(' -> ')[1]!))).toBe(true);
        expect(hclEdges).toEqual(viaJson.graph.edgeList());
        // And the graph is the switch's: the routing waits for the tasks, or the tasks for the routing.
        const routing = viaHcl.graph.nodesFor(addressOf(stack, 'aws_lb_listener_rule'), 'apply');
        const tasks = addressOf(stack, 'aws_ecs_task_set');
        const [waiting, awaited] =
          to.compute === 'fargate' ? [routing, viaHcl.graph.nodesFor(tasks, 'apply')] : [viaHcl.graph.nodesFor(tasks, 'destroy'), routing];
        expect(waiting.length * awaited.length).toBeGreaterThan(0);
        for (const node of waiting) expect(awaited.some((target) => viaHcl.graph.waitsFor(node, target))).toBe(true);
        console.log(
          `${stackName}: ${_} → ${__}: ${hclEdges.length} apply-graph edges, identical (and ${tagEdges.length} of the tag variable)`,
        );
      },
      180_000,
    );
  });

  (commands ? test : skip)(
    'a new export replaces its own files only: a team’s file is kept, one with a generated file’s name stops it',
    () => {
      const outDir = mkdtempSync(join(tmpdir(), 'hcl-out-'));
      const write = () => writeHcl({ stack, stackName, outDir, repositoryRoot: REPOSITORY_ROOT, schemas, env: env });
      write();
      writeFileSync(join(outDir, 'team.tf'), '# the team’s own\n');
      writeFileSync(join(outDir, 'retired.tf'), `${GENERATED_MARK} from the CDKTF stack ${stackName}.\n`);
      writeFileSync(join(outDir, 'terraform.tfstate'), '{}');
      const again = write();
      expect(again.kept).toEqual(['team.tf']);
      expect(again.removed).toEqual(['retired.tf']);
      expect(readdirSync(outDir).sort()).toEqual([...files.map((f) => f.name), 'team.tf', 'terraform.tfstate'].sort());

      expect(readFileSync(join(outDir, 'variables.tf'), 'utf8').startsWith(GENERATED_MARK)).toBe(true);
      writeFileSync(join(outDir, 'variables.tf'), '# the team’s variables\n');
      expect(write).toThrow(/has variables\.tf, not written by pnpm infra:hcl/);
      expect(readFileSync(join(outDir, 'variables.tf'), 'utf8')).toBe('# the team’s variables\n');
      expect(readdirSync(outDir)).toContain('team.tf');
      rmSync(outDir, { recursive: true });
    },
  );
}
