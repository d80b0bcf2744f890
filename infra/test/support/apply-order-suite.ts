import type { EnvironmentConfig } from '../../src/config/environments';
import type { StackFixture } from './stack-fixture';
import { addressOf } from './synth-stack';
import type { Transition, Vars } from './transitions';

/*
 * The switch, proven from Terraform's own apply graph: for each transition, a prior state as
 * Terraform would hold it, a plan to the new variables, then `terraform graph -type=apply` on that
 * plan. The properties asserted are the ones that keep a switch free of downtime on real AWS:
 *   - Fargate's share grows from 0: its tasks are created (and healthy: wait_until_stable) before
 *     the routing changes;
 *   - Fargate's share drops to 0: the routing changes first, then the drain gate's pause, then the
 *     tasks go;
 *   - Lambda's share grows from 0: the function answers a real invocation before the routing changes;
 *   - nothing but the routing and that capacity changes, and autoscaled capacity never does.
 */

const LAMBDA: Vars = { compute: 'lambda' };
const FARGATE: Vars = { compute: 'fargate' };
const SPLIT_50: Vars = { lambda_weight: '50' };
const SPLIT_90: Vars = { lambda_weight: '90' };

const lambdaShare = (vars: Vars) => (vars.lambda_weight ? Number(vars.lambda_weight) : vars.compute === 'fargate' ? 0 : 100);

export function describeApplyOrder(environment: EnvironmentConfig, fixture: StackFixture): void {
  const { stack } = fixture;
  const routing = addressOf(stack, 'aws_lb_listener_rule');
  const tasks = addressOf(stack, 'aws_ecs_task_set');
  const gate = addressOf(stack, 'terraform_data', 'drain-gate');
  const warmUp = addressOf(stack, 'aws_lambda_invocation');
  const switchable = new Set([routing, tasks, gate, warmUp]);

  /** `first` finishes before `then` starts, for every node of each; both must happen. */
  function expectBefore(t: Transition, first: [string, 'apply' | 'destroy'], then: [string, 'apply' | 'destroy']): void {
    const firstNodes = t.graph.nodesFor(...first);
    const thenNodes = t.graph.nodesFor(...then);
    expect({ first: first.join(' '), nodes: firstNodes.length > 0 }).toEqual({ first: first.join(' '), nodes: true });
    expect({ then: then.join(' '), nodes: thenNodes.length > 0 }).toEqual({ then: then.join(' '), nodes: true });
    for (const node of thenNodes) {
      expect({ node, waitsFor: firstNodes, ok: firstNodes.some((f) => t.graph.waitsFor(node, f)) }).toMatchObject({ ok: true });
    }
  }

  function expectSafeSwitch(from: Vars | undefined, to: Vars): Transition {
    const t = fixture.lab.transition(from, to);
    const before = from ? lambdaShare(from) : undefined;
    const after = lambdaShare(to);
    const fargateGrows = (before === undefined || before === 100) && after < 100;
    const fargateLeaves = before !== undefined && before < 100 && after === 100;
    const lambdaGrows = (before === undefined || before === 0) && after > 0;

    if (from) {
      // A switch changes the routing and the capacity that follows it; nothing else.
      expect([...t.actions.keys()].filter((address) => !switchable.has(address))).toEqual([]);
      expect(t.actions.get(routing)).toEqual(['update']);
    }
    if (fargateGrows) {
      expect(t.actions.get(tasks)).toEqual(['create']);
      const planned = t.plan.resource_changes.find((r) => r.address.startsWith(tasks))?.change.after;
      expect(planned).toMatchObject({ wait_until_stable: true });
      expectBefore(t, [tasks, 'apply'], [gate, 'apply']);
      expectBefore(t, [gate, 'apply'], [routing, 'apply']);
    }
    if (fargateLeaves) {
      expect(t.actions.get(tasks)).toEqual(['delete']);
      expect(t.actions.get(gate)).toEqual(['delete']);
      expectBefore(t, [routing, 'apply'], [gate, 'destroy']);
      expectBefore(t, [gate, 'destroy'], [tasks, 'destroy']);
    }
    if (!fargateGrows && !fargateLeaves) expect(t.actions.has(tasks)).toBe(false);
    if (lambdaGrows) {
      expect(t.actions.get(warmUp)).toEqual(['create']);
      expectBefore(t, [warmUp, 'apply'], [routing, 'apply']);
    }
    return t;
  }

  const name = (vars: Vars | undefined) => (vars ? `${lambdaShare(vars)}% Lambda` : 'nothing');
  test.each([
    [LAMBDA, FARGATE],
    [FARGATE, LAMBDA],
    [LAMBDA, SPLIT_50],
    [SPLIT_50, FARGATE],
    [FARGATE, SPLIT_90],
    [SPLIT_90, SPLIT_50],
    [undefined, LAMBDA],
    [undefined, FARGATE],
  ])(
    '%# switch from %j to %j',
    (from, to) => {
      const t = expectSafeSwitch(from, to);
      console.log(
        `${environment.name}: ${name(from)} → ${name(to)}: ${[...t.actions.entries()]
          .filter(([address]) => switchable.has(address))
          .map(([address, actions]) => `${address.split('.')[0]} ${actions.join('/')}`)
          .join(', ')}`,
      );
    },
    180_000,
  );

  test('a canary step on running capacity changes the routing weights only', () => {
    const t = fixture.lab.transition(SPLIT_90, SPLIT_50);
    expect([...t.actions.keys()]).toEqual([routing]);
  }, 180_000);

  test('a new image on Fargate starts the new tasks before the old ones go, and leaves capacity alone', () => {
    const t = fixture.lab.transition(FARGATE, { ...FARGATE, image_uri: '123456789012.dkr.ecr.us-east-1.amazonaws.com/other:v2' });
    expect(t.actions.get(tasks)).toEqual(['create', 'delete']);
    expectBefore(t, [tasks, 'apply'], [tasks, 'destroy']);
    const service = addressOf(stack, 'aws_ecs_service');
    const scaling = addressOf(stack, 'aws_appautoscaling_target');
    expect(t.actions.has(service)).toBe(false);
    expect(t.actions.has(scaling)).toBe(false);
    expect(t.actions.has(routing)).toBe(false);
  }, 180_000);

  test.each([[LAMBDA], [FARGATE]])(
    'destroying from %j removes the routing before the capacity',
    (from) => {
      const t = fixture.lab.transition(from, 'destroy');
      if (lambdaShare(from) < 100) {
        expectBefore(t, [routing, 'destroy'], [gate, 'destroy']);
        expectBefore(t, [gate, 'destroy'], [tasks, 'destroy']);
      } else {
        expect(t.graph.nodesFor(tasks, 'destroy')).toEqual([]);
      }
    },
    180_000,
  );
}
