import { rule, statements, type PolicyRule, type Editable } from '../rule';

/** Actions AWS defines with no resource-level permissions, where "*" is the only valid resource. */
const RESOURCELESS_ACTIONS = new Set(['ecr:GetAuthorizationToken']);

/** IAM: every policy document and trust policy in the stack. */
export const IAM_RULES: PolicyRule[] = [
  rule(
    'IAM.21',
    'No IAM statement grants a wildcard action.',
    (s) =>
      s
        .iamStatements()
        .flatMap((st) =>
          st.actions.filter((a) => a === '*' || a.endsWith(':*') || a.includes('*')).map((a) => `${st.document} grants ${a}`),
        ),
    (j) =>
      statements(j)
        .find((s: Editable) => s.sid === 'WriteServiceLogs')
        .actions.push('logs:*'),
  ),
  rule(
    'SWY-IAM-RESOURCE',
    'Wildcard resources only for actions that have no resource-level permissions.',
    (s) =>
      s
        .iamStatements()
        .filter((st) => st.resources.includes('*') && st.principals.length === 0)
        .flatMap((st) => st.actions.filter((a) => !RESOURCELESS_ACTIONS.has(a)).map((a) => `${st.document} grants ${a} on *`)),
    (j) =>
      statements(j)
        .find((s: Editable) => s.sid === 'EcrLogin')
        .actions.push('ecr:PutImage'),
  ),
  rule(
    'SWY-IAM-TRUST',
    'Roles can be assumed only by a named AWS service.',
    (s) =>
      s
        .iamStatements()
        .filter((st) => st.actions.includes('sts:AssumeRole'))
        .flatMap((st) =>
          st.principals.every((p) => p.type === 'Service' && p.identifiers.every((i) => i.endsWith('.amazonaws.com')))
            ? []
            : [`${st.document} trusts a non-service principal`],
        ),
    (j) =>
      statements(j)
        .find((s: Editable) => s.actions.includes('sts:AssumeRole'))
        .principals.push({ type: 'AWS', identifiers: ['*'] }),
  ),
  rule(
    'SWY-IAM-RUNTASK',
    'ecs:RunTask names its task definition family and is held to one cluster.',
    (s) =>
      s
        .iamStatements()
        .filter((st) => st.actions.includes('ecs:RunTask'))
        .flatMap((st) =>
          st.resources.every((r) => r.includes('aws_ecs_task_definition.')) &&
          st.conditions.some((c) => c.variable === 'ecs:cluster' && c.values.length > 0)
            ? []
            : [`${st.document} lets ecs:RunTask run any task definition, or in any cluster`],
        ),
    (j) => delete statements(j).find((s: Editable) => s.actions.includes('ecs:RunTask')).condition,
  ),
  rule(
    'SWY-IAM-PASSROLE',
    'iam:PassRole names its roles and passes them to ECS tasks only.',
    (s) =>
      s
        .iamStatements()
        .filter((st) => st.actions.includes('iam:PassRole'))
        .flatMap((st) =>
          st.resources.every((r) => r.includes('aws_iam_role.')) &&
          st.conditions.some((c) => c.variable === 'iam:PassedToService' && c.values.every((v) => v === 'ecs-tasks.amazonaws.com'))
            ? []
            : [`${st.document} passes roles it does not name, or to any service`],
        ),
    (j) => {
      const passRole = statements(j).find((s: Editable) => s.actions.includes('iam:PassRole'));
      passRole.resources = ['arn:aws:iam::123456789012:role/*'];
    },
  ),
  rule(
    'SWY-IAM-JOB-TASK',
    "A job task's role reaches the job table and nothing else.",
    (s) =>
      s
        .resources('aws_ecs_task_definition')
        .filter((t) => String(t.family).endsWith('-job'))
        .flatMap((t) =>
          s
            .roleStatements(String(t.task_role_arn))
            .filter(
              (st) => !st.actions.every((a) => a.startsWith('dynamodb:')) || !st.resources.every((r) => r.includes('aws_dynamodb_table.')),
            )
            .map((st) => `${t.name}'s role is granted ${st.actions.join(', ')} on ${st.resources.join(', ')}`),
        ),
    (j) =>
      statements(j)
        .find((s: Editable) => s.sid === 'RunJobsInTheJobTable')
        .actions.push('s3:PutObject'),
  ),
];
