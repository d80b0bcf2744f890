import type { HclSchemas } from '../hcl/render-hcl';
import { stackJsonFromPlan, type PlanWithConfiguration } from './plan-view';
import { StackView } from './stack-view';

const ROLE_ARN = 'arn:aws:iam::123456789012:role/switchyard-dev-task';
const TABLE_ARN = 'arn:aws:dynamodb:us-east-1:123456789012:table/switchyard-dev-jobs';
const DOCUMENT = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:PutItem'], Resource: TABLE_ARN }],
});

const SCHEMAS: HclSchemas = {
  provider_schemas: {
    aws: {
      resource_schemas: {
        aws_ecr_repository: { block: { block_types: { image_scanning_configuration: { nesting_mode: 'list', max_items: 1, block: {} } } } },
      },
      data_source_schemas: { aws_iam_policy_document: { block: { block_types: { statement: { nesting_mode: 'list', block: {} } } } } },
    },
  },
};

// A plan as `terraform show -json` prints it, cut down to what the view reads.
const PLAN: PlanWithConfiguration = {
  planned_values: {
    root_module: {
      resources: [
        {
          address: 'aws_iam_role.task',
          mode: 'managed',
          type: 'aws_iam_role',
          name: 'task',
          values: { arn: ROLE_ARN, id: 'switchyard-dev-task' },
        },
        {
          address: 'aws_dynamodb_table.jobs',
          mode: 'managed',
          type: 'aws_dynamodb_table',
          name: 'jobs',
          values: { arn: TABLE_ARN, name: 'switchyard-dev-jobs' },
        },
        {
          address: 'aws_iam_role_policy.jobs',
          mode: 'managed',
          type: 'aws_iam_role_policy',
          name: 'jobs',
          // As the provider keeps it: the same document, its lists in another order.
          values: {
            role: 'switchyard-dev-task',
            policy: DOCUMENT.replace('"dynamodb:GetItem","dynamodb:PutItem"', '"dynamodb:PutItem","dynamodb:GetItem"'),
          },
        },
        {
          address: 'aws_ecs_task_definition.job',
          mode: 'managed',
          type: 'aws_ecs_task_definition',
          name: 'job',
          values: {
            container_definitions: JSON.stringify([{ name: 'api', environment: [{ name: 'JOBS_TABLE', value: 'switchyard-dev-jobs' }] }]),
            task_role_arn: ROLE_ARN,
          },
        },
        {
          address: 'aws_ecr_repository.registry',
          mode: 'managed',
          type: 'aws_ecr_repository',
          name: 'registry',
          values: { image_scanning_configuration: [{ scan_on_push: true }] },
        },
        // Planned, but its input is known only after apply.
        { address: 'terraform_data.gate', mode: 'managed', type: 'terraform_data', name: 'gate', values: {} },
      ],
    },
  },
  prior_state: {
    values: {
      root_module: {
        resources: [
          {
            address: 'data.aws_iam_policy_document.jobs',
            mode: 'data',
            type: 'aws_iam_policy_document',
            name: 'jobs',
            values: { json: DOCUMENT, statement: [{ resources: [`${TABLE_ARN}/index/*`] }] },
          },
        ],
      },
    },
  },
  configuration: {
    root_module: {
      resources: [
        { address: 'aws_iam_role.task', mode: 'managed', type: 'aws_iam_role', name: 'task', expressions: {} },
        { address: 'aws_dynamodb_table.jobs', mode: 'managed', type: 'aws_dynamodb_table', name: 'jobs', expressions: {} },
        {
          address: 'aws_iam_role_policy.jobs',
          mode: 'managed',
          type: 'aws_iam_role_policy',
          name: 'jobs',
          expressions: {
            role: { references: ['aws_iam_role.task.id', 'aws_iam_role.task'] },
            policy: { references: ['data.aws_iam_policy_document.jobs.json', 'data.aws_iam_policy_document.jobs'] },
          },
        },
        {
          address: 'aws_ecs_task_definition.job',
          mode: 'managed',
          type: 'aws_ecs_task_definition',
          name: 'job',
          expressions: {
            container_definitions: { references: ['aws_dynamodb_table.jobs.name', 'aws_dynamodb_table.jobs', 'local.image'] },
            task_role_arn: { references: ['aws_iam_role.task.arn', 'aws_iam_role.task'] },
            family: { constant_value: 'switchyard-dev-job' },
          },
        },
        {
          address: 'aws_ecr_repository.registry',
          mode: 'managed',
          type: 'aws_ecr_repository',
          name: 'registry',
          expressions: { image_scanning_configuration: [{ scan_on_push: { constant_value: true } }] },
          depends_on: ['terraform_data.push'],
        },
        {
          address: 'terraform_data.gate',
          mode: 'managed',
          type: 'terraform_data',
          name: 'gate',
          expressions: { input: { references: ['aws_ecs_task_set.tasks[0].id', 'aws_ecs_task_set.tasks'] } },
          provisioners: [{ type: 'local-exec', expressions: { command: { constant_value: 'setTimeout(() => {}, 30000)' } } }],
        },
        {
          address: 'data.aws_iam_policy_document.jobs',
          mode: 'data',
          type: 'aws_iam_policy_document',
          name: 'jobs',
          expressions: { statement: [{ resources: { references: ['aws_dynamodb_table.jobs.arn', 'aws_dynamodb_table.jobs'] } }] },
        },
      ],
    },
  },
};

describe('a stack rebuilt from a plan for the policy rules', () => {
  const { json, unknown } = stackJsonFromPlan(PLAN, SCHEMAS);

  test('an argument that is a reference reads as the reference, even when the provider rewrote the document', () => {
    expect(json.resource!.aws_iam_role_policy!.jobs).toEqual({
      role: '${aws_iam_role.task.id}',
      policy: '${data.aws_iam_policy_document.jobs.json}',
    });
    expect(json.resource!.aws_ecs_task_definition!.job!.task_role_arn).toBe('${aws_iam_role.task.arn}');
  });

  test('a referenced value inside a larger one reads as its reference; constants stay constants', () => {
    const job = json.resource!.aws_ecs_task_definition!.job!;
    expect(JSON.parse(job.container_definitions as string)[0].environment).toEqual([
      { name: 'JOBS_TABLE', value: '${aws_dynamodb_table.jobs.name}' },
    ]);
    expect(job.family).toBe('switchyard-dev-job');
    const data = (json as unknown as { data: Record<string, Record<string, { statement: Array<{ resources: string[] }> }>> }).data;
    expect(data.aws_iam_policy_document!.jobs!.statement[0]!.resources).toEqual(['${aws_dynamodb_table.jobs.arn}/index/*']);
  });

  test('a block that allows one is an object, and depends_on and provisioners are kept', () => {
    expect(json.resource!.aws_ecr_repository!.registry).toEqual({
      image_scanning_configuration: { scan_on_push: true },
      depends_on: ['terraform_data.push'],
    });
    expect(json.resource!.terraform_data!.gate).toEqual({
      input: '${aws_ecs_task_set.tasks[0].id}',
      provisioner: [{ 'local-exec': { command: 'setTimeout(() => {}, 30000)' } }],
    });
  });

  test('a value known only after apply stands in as its reference, or is reported when it is built from several', () => {
    // terraform_data.gate's input is known only after apply and names one attribute: its reference stands in.
    expect(unknown).toEqual([]);
    expect(json.resource!.terraform_data!.gate!.input).toBe('${aws_ecs_task_set.tasks[0].id}');
    // Built from two references, it cannot.
    const twoReferences = structuredClone(PLAN);
    const gate = twoReferences.configuration.root_module.resources!.find((r) => r.name === 'gate')!;
    gate.expressions!.input = {
      references: ['aws_ecs_task_set.tasks[0].id', 'aws_ecs_task_set.tasks', 'aws_iam_role.task.arn', 'aws_iam_role.task'],
    };
    expect(stackJsonFromPlan(twoReferences, SCHEMAS).unknown).toEqual(['terraform_data.gate.input']);
    // With count = 0 the gate has no instance, so nothing of it is planned or missing.
    const noInstance = structuredClone(twoReferences);
    noInstance.planned_values.root_module.resources = noInstance.planned_values.root_module.resources!.filter((r) => r.name !== 'gate');
    expect(stackJsonFromPlan(noInstance, SCHEMAS).unknown).toEqual([]);
  });

  test('the rules read it as they read a synthesized stack', () => {
    const view = new StackView('switchyard-dev', json, false);
    // From the task definition's role to its policy to the policy document's statements.
    expect(view.roleStatements(String(view.resources('aws_ecs_task_definition')[0]!.task_role_arn))).toEqual([
      { document: 'jobs', actions: [], resources: ['${aws_dynamodb_table.jobs.arn}/index/*'], principals: [], conditions: [] },
    ]);
    expect(view.containers().map((c) => c.name)).toEqual(['job/api']);
    expect(view.lifecycleKnown).toBe(false);
  });

  test("a set's blocks are matched to their planned elements by their constants, whatever order the plan lists them in", () => {
    const suffix = 'targetgroup/x-lambda/123';
    const schemas: HclSchemas = {
      provider_schemas: {
        aws: {
          resource_schemas: {
            aws_lb_target_group: { block: {} },
            aws_cloudwatch_metric_alarm: {
              block: {
                block_types: {
                  metric_query: {
                    nesting_mode: 'set',
                    block: { block_types: { metric: { nesting_mode: 'list', max_items: 1, block: {} } } },
                  },
                },
              },
            },
          },
        },
      },
    };
    const plan: PlanWithConfiguration = {
      planned_values: {
        root_module: {
          resources: [
            { address: 'aws_lb_target_group.tg', mode: 'managed', type: 'aws_lb_target_group', name: 'tg', values: { arn_suffix: suffix } },
            {
              address: 'aws_cloudwatch_metric_alarm.a',
              mode: 'managed',
              type: 'aws_cloudwatch_metric_alarm',
              name: 'a',
              // Terraform's order: the expression first, where the configuration has it last.
              values: {
                metric_query: [
                  { id: 'rate', expression: 'errors / requests', metric: [] },
                  { id: 'requests', metric: [{ metric_name: 'RequestCount', dimensions: { TargetGroup: suffix } }] },
                ],
              },
            },
          ],
        },
      },
      configuration: {
        root_module: {
          resources: [
            { address: 'aws_lb_target_group.tg', mode: 'managed', type: 'aws_lb_target_group', name: 'tg', expressions: {} },
            {
              address: 'aws_cloudwatch_metric_alarm.a',
              mode: 'managed',
              type: 'aws_cloudwatch_metric_alarm',
              name: 'a',
              expressions: {
                metric_query: [
                  {
                    id: { constant_value: 'requests' },
                    metric: [
                      {
                        metric_name: { constant_value: 'RequestCount' },
                        dimensions: { references: ['aws_lb_target_group.tg.arn_suffix', 'aws_lb_target_group.tg'] },
                      },
                    ],
                  },
                  { id: { constant_value: 'rate' }, expression: { constant_value: 'errors / requests' } },
                ],
              },
            },
          ],
        },
      },
    };
    const rebuilt = stackJsonFromPlan(plan, schemas);
    expect(rebuilt.unknown).toEqual([]);
    expect(rebuilt.json.resource!.aws_cloudwatch_metric_alarm!.a!.metric_query).toEqual([
      { id: 'requests', metric: { metric_name: 'RequestCount', dimensions: { TargetGroup: '${aws_lb_target_group.tg.arn_suffix}' } } },
      { id: 'rate', expression: 'errors / requests' },
    ]);
  });
});
