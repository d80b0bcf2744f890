import { each, first, rule, type PolicyRule } from '../rule';

/** SNS: the topic the alarms notify, when the environment names an address. */
export const SNS_RULES: PolicyRule[] = [
  rule(
    'SWY-SNS-ALARMS',
    'Where the stack has an alarm topic, every alarm notifies it when it fires and when it recovers.',
    (s) => {
      const topics = s.resources('aws_sns_topic').map((t) => `\${aws_sns_topic.${t.name}.arn}`);
      if (!topics.length) return [];
      const notifies = (actions: unknown) => Array.isArray(actions) && actions.some((a) => topics.includes(String(a)));
      return each(
        s.resources('aws_cloudwatch_metric_alarm'),
        (a) => notifies(a.alarm_actions) && notifies(a.ok_actions),
        (a) => `${a.name} does not notify the alarm topic on both ALARM and OK`,
      );
    },
    (j) => delete first(j, 'aws_cloudwatch_metric_alarm').ok_actions,
  ),
  rule(
    'SWY-SNS-KEY',
    'No alarm topic is encrypted with the AWS-managed key alias/aws/sns: CloudWatch cannot use it, and every notification would be dropped.',
    (s) =>
      each(
        s.resources('aws_sns_topic'),
        (t) => !/alias\/aws\/sns$/.test(String(t.kms_master_key_id ?? '')),
        (t) => `${t.name} is encrypted with alias/aws/sns, which CloudWatch alarms cannot publish to`,
      ),
    (j) => (first(j, 'aws_sns_topic').kms_master_key_id = 'alias/aws/sns'),
  ),
];
