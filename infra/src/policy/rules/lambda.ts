import { LONGEST_REQUEST_SECONDS } from '@switchyard/domain/timing-budget';
import { each, first, rule, type PolicyRule } from '../rule';

/** Lambda: the function and who may invoke it. */
export const LAMBDA_RULES: PolicyRule[] = [
  rule(
    'Lambda.1',
    'Only the ALB target group may invoke the function (permission scoped by source ARN).',
    (s) =>
      each(
        s.resources('aws_lambda_permission'),
        (p) =>
          typeof p.source_arn === 'string' &&
          p.source_arn.includes('aws_lb_target_group') &&
          p.principal === 'elasticloadbalancing.amazonaws.com',
        (p) => `${p.name} is not scoped to the target group`,
      ),
    (j) => delete first(j, 'aws_lambda_permission').source_arn,
  ),
  rule(
    'CKV_AWS_115',
    'The function has a concurrency limit, capping runaway cost.',
    (s) =>
      each(
        s.resources('aws_lambda_function'),
        (f) => Number(f.reserved_concurrent_executions) > 0,
        (f) => `${f.name} has no reserved concurrency`,
      ),
    (j) => (first(j, 'aws_lambda_function').reserved_concurrent_executions = -1),
  ),
  rule(
    'SWY-LAMBDA-TIMEOUT',
    'The timeout covers the longest request and stays within Lambda’s 900 s.',
    (s) =>
      each(
        s.resources('aws_lambda_function'),
        (f) => Number(f.timeout) > LONGEST_REQUEST_SECONDS && Number(f.timeout) <= 900,
        (f) => `${f.name} timeout ${f.timeout}`,
      ),
    (j) => (first(j, 'aws_lambda_function').timeout = 3),
  ),
];
