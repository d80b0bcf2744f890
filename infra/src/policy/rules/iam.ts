import { rule, statements, type PolicyRule, type StackJson } from '../rule';

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
        .find((s: StackJson) => s.sid === 'WriteServiceLogs')
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
        .find((s: StackJson) => s.sid === 'EcrLogin')
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
        .find((s: StackJson) => s.actions.includes('sts:AssumeRole'))
        .principals.push({ type: 'AWS', identifiers: ['*'] }),
  ),
];
