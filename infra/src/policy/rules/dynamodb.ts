import { each, first, rule, type PolicyRule } from '../rule';

/** DynamoDB: the job table. */
export const DYNAMODB_RULES: PolicyRule[] = [
  rule(
    'DynamoDB.2',
    'Tables have point-in-time recovery: a bad write or a deleted item can be undone for 35 days.',
    (s) =>
      each(
        s.resources('aws_dynamodb_table'),
        (t) => t.point_in_time_recovery?.enabled === true,
        (t) => `${t.name} has no point-in-time recovery`,
      ),
    (j) => delete first(j, 'aws_dynamodb_table').point_in_time_recovery,
  ),
  rule(
    'SWY-DDB-SSE',
    'Tables are encrypted with a KMS key the account can audit (the AWS managed aws/dynamodb key at least).',
    (s) =>
      each(
        s.resources('aws_dynamodb_table'),
        (t) => t.server_side_encryption?.enabled === true,
        (t) => `${t.name} uses the DynamoDB-owned key`,
      ),
    (j) => delete first(j, 'aws_dynamodb_table').server_side_encryption,
  ),
  rule(
    'SWY-DDB-ON-DEMAND',
    'Tables are on-demand: no capacity to plan, and nothing billed while no job runs.',
    (s) =>
      each(
        s.resources('aws_dynamodb_table'),
        (t) => t.billing_mode === 'PAY_PER_REQUEST',
        (t) => `${t.name} has provisioned capacity`,
      ),
    (j) => (first(j, 'aws_dynamodb_table').billing_mode = 'PROVISIONED'),
  ),
  rule(
    'SWY-DDB-TTL',
    'Tables expire what they no longer need (finished jobs) with TTL, so they do not grow without end.',
    (s) =>
      each(
        s.resources('aws_dynamodb_table'),
        (t) => t.ttl?.enabled === true && Boolean(t.ttl.attribute_name),
        (t) => `${t.name} has no TTL`,
      ),
    (j) => delete first(j, 'aws_dynamodb_table').ttl,
  ),
];
