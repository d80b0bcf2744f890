import { each, first, rule, type PolicyRule } from '../rule';

/** CloudWatch Logs. */
export const LOGS_RULES: PolicyRule[] = [
  rule(
    'CKV_AWS_338',
    'Every log group has a retention period.',
    (s) =>
      each(
        s.resources('aws_cloudwatch_log_group'),
        (g) => Number(g.retention_in_days) > 0,
        (g) => `${g.name} keeps logs for ever`,
      ),
    (j) => delete first(j, 'aws_cloudwatch_log_group').retention_in_days,
  ),
  rule(
    'SWY-LOG-LAMBDA',
    'The function logs to a log group the stack manages (with retention).',
    (s) =>
      each(
        s.resources('aws_lambda_function'),
        (f) => typeof f.logging_config?.log_group === 'string' && f.logging_config.log_group.includes('aws_cloudwatch_log_group'),
        (f) => `${f.name} logs to an unmanaged group`,
      ),
    (j) => delete first(j, 'aws_lambda_function').logging_config,
  ),
];
