import { TARGET_GROUP_METRICS } from '../../monitoring/alb-metrics';
import { rule, type Editable, type PolicyRule } from '../rule';
import type { Block } from '../stack-view';

type Query = { metric?: { metric_name?: string; stat?: string; dimensions?: Record<string, string> } | null };

/** The metrics an alarm reads from one target group (by its `${aws_lb_target_group.<name>.arn_suffix}`). */
const readsFrom = (alarm: Block, targetGroup: string): Array<{ name?: string; stat?: string }> =>
  ((alarm.metric_query as Query[] | undefined) ?? [])
    .filter((q) => q.metric?.dimensions?.TargetGroup === targetGroup)
    .map((q) => ({ name: q.metric?.metric_name, stat: q.metric?.stat }));

/** CloudWatch: the safety net's alarms. */
export const CLOUDWATCH_RULES: PolicyRule[] = [
  rule(
    'SWY-CW-COMPUTES',
    'The safety net watches every compute: each target group has an alarm on its errors and one on its p99 response time.',
    (s) => {
      const alarms = s.resources('aws_cloudwatch_metric_alarm');
      return s.resources('aws_lb_target_group').flatMap((tg) => {
        const reads = alarms.map((a) => readsFrom(a, `\${aws_lb_target_group.${tg.name}.arn_suffix}`));
        const missing = [
          reads.some((metrics) => metrics.some((m) => m.name === TARGET_GROUP_METRICS.target5xx)) ? [] : ['error'],
          reads.some((metrics) => metrics.some((m) => m.name === TARGET_GROUP_METRICS.responseTime && m.stat === 'p99')) ? [] : ['p99'],
        ].flat();
        return missing.map((kind) => `${tg.name} has no ${kind} alarm`);
      });
    },
    (j) => {
      const alarms = j.resource!.aws_cloudwatch_metric_alarm as Record<string, Editable>;
      const p99 = Object.keys(alarms).find((name) =>
        (alarms[name].metric_query as Query[]).some((q) => q.metric?.metric_name === TARGET_GROUP_METRICS.responseTime),
      )!;
      delete alarms[p99];
    },
  ),
];
