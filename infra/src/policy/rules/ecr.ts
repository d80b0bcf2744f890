import { each, first, rule, statements, type PolicyRule, type Editable } from '../rule';
import type { Block } from '../stack-view';

/** ECR: the image registry. */
export const ECR_RULES: PolicyRule[] = [
  rule(
    'ECR.1',
    'Images are scanned for vulnerabilities when pushed.',
    (s) =>
      each(
        s.resources('aws_ecr_repository'),
        (r) => r.image_scanning_configuration?.scan_on_push === true,
        (r) => `${r.name} does not scan on push`,
      ),
    (j) => (first(j, 'aws_ecr_repository').image_scanning_configuration.scan_on_push = false),
  ),
  rule(
    'ECR.2',
    'Tags are immutable, so a tag always names the same image.',
    (s) =>
      each(
        s.resources('aws_ecr_repository'),
        (r) => r.image_tag_mutability === 'IMMUTABLE',
        (r) => `${r.name} allows mutable tags`,
      ),
    (j) => (first(j, 'aws_ecr_repository').image_tag_mutability = 'MUTABLE'),
  ),
  rule(
    'ECR.3',
    'A lifecycle policy expires old images, so storage does not grow for ever.',
    (s) => {
      const covered = new Set(s.resources('aws_ecr_lifecycle_policy').map((p) => String(p.repository)));
      return each(
        s.resources('aws_ecr_repository'),
        (r) => covered.has(`\${aws_ecr_repository.${r.name}.name}`),
        (r) => `${r.name} has no lifecycle policy`,
      );
    },
    (j) => delete j.resource!.aws_ecr_lifecycle_policy,
  ),
  rule(
    'CKV_AWS_136',
    'Repositories are encrypted at rest with an explicit setting.',
    (s) =>
      each(
        s.resources('aws_ecr_repository'),
        (r) => Boolean(r.encryption_configuration?.[0]?.encryption_type),
        (r) => `${r.name} has no encryption configuration`,
      ),
    (j) => delete first(j, 'aws_ecr_repository').encryption_configuration,
  ),
  rule(
    'SWY-ECR-LAMBDA',
    'The repository lets the Lambda service pull, for this stack’s function only (aws:sourceArn).',
    (s) => {
      const policies = s.resources('aws_ecr_repository_policy');
      const scoped = policies.some((p) => /lambda\.amazonaws\.com/.test(p.policy) && /aws:sourceArn.*:function:/.test(p.policy));
      return scoped ? [] : ['no repository policy admits the stack’s function through aws:sourceArn'];
    },
    (j) => delete j.resource!.aws_ecr_repository_policy,
  ),
  rule(
    'SWY-ECR-KEEP-RUNNING',
    'The lifecycle policy never expires the image the stack runs.',
    (s) =>
      each(
        s.resources('aws_ecr_lifecycle_policy'),
        (p) => {
          const first = (JSON.parse(p.policy as string) as { rules: Array<{ rulePriority: number; selection: Block }> }).rules.sort(
            (a, b) => a.rulePriority - b.rulePriority,
          )[0];
          return first?.selection.tagStatus === 'tagged' && first.selection.countNumber >= 1 && first.selection.tagPrefixList?.length === 1;
        },
        (p) => `${p.name} may expire the running image`,
      ),
    (j) => {
      const policy = first(j, 'aws_ecr_lifecycle_policy');
      const parsed = JSON.parse(policy.policy);
      parsed.rules = parsed.rules.slice(1);
      policy.policy = JSON.stringify(parsed);
    },
  ),
  rule(
    'SWY-ECR-PULL',
    'The execution role pulls from this repository only.',
    (s) =>
      s
        .iamStatements()
        .filter((st) => st.actions.includes('ecr:BatchGetImage'))
        .flatMap((st) =>
          st.resources.every((r) => r.includes('aws_ecr_repository')) ? [] : [`${st.document} pulls from other repositories`],
        ),
    (j) =>
      statements(j)
        .find((s: Editable) => s.sid === 'PullServiceImage')
        .resources.push('*'),
  ),
];
