import { planDifferences, type ComparablePlan } from './plan-diff';

const plan = (): ComparablePlan => ({
  resource_changes: [
    {
      address: 'aws_lb.alb',
      change: { actions: ['create'], after: { idle_timeout: 60, subnets: ['a', 'b'] }, after_unknown: { arn: true } },
    },
    { address: 'aws_ecs_task_set.tasks[0]', change: { actions: ['create'], after: { wait_until_stable: true }, after_unknown: {} } },
  ],
  output_changes: { active_compute: { after: 'lambda', after_unknown: false } },
});

describe('two plans compared', () => {
  test('the same plan has no differences', () => {
    expect(planDifferences(plan(), plan())).toEqual([]);
  });

  test('a changed value, a longer list, a value known only after apply and an action are each named by path', () => {
    const other = plan();
    (other.resource_changes[0]!.change.after as Record<string, unknown>).idle_timeout = 30;
    (other.resource_changes[0]!.change.after as Record<string, unknown>).subnets = ['a', 'b', 'c'];
    other.resource_changes[0]!.change.after_unknown = { arn: true, dns_name: true };
    other.resource_changes[1]!.change.actions = ['create', 'delete'];
    expect(planDifferences(plan(), other, ['JSON', 'HCL'])).toEqual([
      'aws_lb.alb.after.idle_timeout: 60 vs 30',
      'aws_lb.alb.after.subnets (2 vs 3 items)',
      'aws_lb.alb.after_unknown.dns_name: undefined vs true',
      'aws_ecs_task_set.tasks[0].actions (1 vs 2 items)',
    ]);
  });

  test('an address or an output in one plan only is named, with the plan that has it', () => {
    const other = plan();
    other.resource_changes.pop();
    other.output_changes = { active_compute: { after: 'fargate', after_unknown: false }, extra: { after: 1 } };
    expect(planDifferences(plan(), other, ['JSON', 'HCL'])).toEqual([
      'aws_ecs_task_set.tasks[0] only in the JSON plan',
      'output.active_compute.after: "lambda" vs "fargate"',
      'output extra only in the HCL plan',
    ]);
  });
});
