import { CloudwatchMetricAlarm, type CloudwatchMetricAlarmMetricQuery } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { Construct } from 'constructs';
import type { Compute, SafetyNet } from '../config/environments';
import {
  ALB_NAMESPACE,
  LOAD_BALANCER_METRICS,
  METRIC_PERIOD_SECONDS,
  TARGET_GROUP_METRICS,
  loadBalancerDimensions,
  targetGroupDimensions,
  type Dimension,
} from '../monitoring/alb-metrics';
import { ERROR_TERMS, dimensionMap, errorSum, minRequestsPerPeriod, whenJudged } from '../monitoring/compute-health';

export interface SafetyNetAlarmsProps {
  /** Names the alarms (`<namePrefix>-<compute>-error-rate`, ...) and the topic. */
  readonly namePrefix: string;
  /** The environment's limits: the alarms fire on the same ones a flip judges by. */
  readonly limits: SafetyNet;
  /** "app/<name>/<id>": the ALB's LoadBalancer dimension. */
  readonly loadBalancerArnSuffix: string;
  /** "targetgroup/<name>/<id>" of each compute's target group: its TargetGroup dimension. */
  readonly targetGroupArnSuffixes: Readonly<Record<Compute, string>>;
}

/** The alarms, by what they watch. */
export interface AlarmNames {
  readonly lambda: string[];
  readonly fargate: string[];
  readonly loadBalancer: string[];
}

const COMPUTES: readonly Compute[] = ['lambda', 'fargate'];
const TITLE: Readonly<Record<Compute, string>> = { lambda: 'Lambda', fargate: 'Fargate' };

const percent = (rate: number) => `${Number((rate * 100).toFixed(4))}%`;

/** A metric in an alarm's metric math: summed (or a percentile) over one ALB period, not returned itself. */
function metricTerm(id: string, metricName: string, dimensions: readonly Dimension[], stat = 'Sum'): CloudwatchMetricAlarmMetricQuery {
  return {
    id,
    returnData: false,
    metric: { namespace: ALB_NAMESPACE, metricName, dimensions: dimensionMap(dimensions), period: METRIC_PERIOD_SECONDS, stat },
  };
}

/**
 * The safety net's alarms: per compute, its error rate and its p99 over one-minute periods, judged
 * only in periods with enough requests; and the load balancer's own 5XX, which CloudWatch cannot
 * attribute to a compute. With `limits.notifyEmail`, an SNS topic emails every change of state.
 */
export class SafetyNetAlarms extends Construct {
  readonly alarmNames: AlarmNames;
  /** Every alarm, for the dashboard's alarm status. */
  readonly alarmArns: string[];
  /** The topic the alarms notify, or "" when the environment names no address. */
  readonly topicArn: string;

  constructor(scope: Construct, id: string, props: SafetyNetAlarmsProps) {
    super(scope, id);
    const { limits, namePrefix } = props;
    const minimum = minRequestsPerPeriod(limits);

    let topicArn = '';
    if (limits.notifyEmail) {
      // Not encrypted: CloudWatch cannot publish to a topic under the AWS-managed key alias/aws/sns
      // (its key policy cannot grant cloudwatch.amazonaws.com), and a customer-managed key needs the
      // account id in its policy, which the stack does not read (plans run without an account), and
      // costs $1 a month. The messages are alarm names, limits and metric values: no request data.
      // https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
      const topic = new SnsTopic(this, 'topic', { name: `${namePrefix}-alarms` });
      // An email subscription stays pending until its recipient confirms it; until then the alarms notify no one.
      new SnsTopicSubscription(this, 'email', { topicArn: topic.arn, protocol: 'email', endpoint: limits.notifyEmail });
      topicArn = topic.arn;
    }
    const actions = topicArn ? { alarmActions: [topicArn], okActions: [topicArn] } : {};
    const alarmName = (alarmId: string) => `${namePrefix}-${alarmId}`;

    const alarm = (alarmId: string, description: string, threshold: number, metricQuery: CloudwatchMetricAlarmMetricQuery[]) =>
      new CloudwatchMetricAlarm(this, alarmId, {
        alarmName: alarmName(alarmId),
        alarmDescription: `${description} Periods with fewer than ${minimum} requests are not judged.`,
        comparisonOperator: 'GreaterThanThreshold',
        threshold,
        evaluationPeriods: limits.alarmPeriods,
        datapointsToAlarm: limits.alarmPeriods,
        // A compute at 0% of the traffic has no data, and that is not a failure; a gap in a busy
        // compute's data is not evidence of one either.
        treatMissingData: 'notBreaching',
        metricQuery,
        ...actions,
      });

    const alarms: Record<keyof AlarmNames, CloudwatchMetricAlarm[]> = { lambda: [], fargate: [], loadBalancer: [] };
    const periods = `${limits.alarmPeriods} one-minute period${limits.alarmPeriods === 1 ? '' : 's'} in a row`;
    for (const compute of COMPUTES) {
      const dimensions = targetGroupDimensions(props.loadBalancerArnSuffix, props.targetGroupArnSuffixes[compute]);
      const requests = metricTerm('requests', TARGET_GROUP_METRICS.requests, dimensions);
      const errors = ERROR_TERMS[compute];
      alarms[compute].push(
        alarm(
          `${compute}-error-rate`,
          `${TITLE[compute]}: more than ${percent(limits.maxErrorRate)} of its requests failed (${errors.map((e) => e.metricName).join(' + ')}) for ${periods}.`,
          limits.maxErrorRate,
          [
            {
              id: 'error_rate',
              label: `${TITLE[compute]} error rate`,
              expression: whenJudged('requests', minimum, `(${errorSum(errors.map((e) => e.id))}) / requests`),
              returnData: true,
            },
            requests,
            ...errors.map((e) => metricTerm(e.id, e.metricName, dimensions)),
          ],
        ),
        alarm(
          `${compute}-p99`,
          `${TITLE[compute]}: p99 ${TARGET_GROUP_METRICS.responseTime} above ${limits.maxP99Ms} ms for ${periods}.`,
          // TargetResponseTime is in seconds.
          limits.maxP99Ms / 1000,
          [
            { id: 'judged_p99', label: `${TITLE[compute]} p99 (s)`, expression: whenJudged('requests', minimum, 'p99'), returnData: true },
            requests,
            metricTerm('p99', TARGET_GROUP_METRICS.responseTime, dimensions, 'p99'),
          ],
        ),
      );
    }

    // 502 and 504 the load balancer made itself: what a frozen or timing-out target produces. CloudWatch
    // reports them per load balancer only, so this alarm cannot say which compute it was.
    const dimensions = loadBalancerDimensions(props.loadBalancerArnSuffix);
    alarms.loadBalancer.push(
      alarm(
        'load-balancer-5xx-rate',
        `The load balancer answered more than ${percent(limits.maxErrorRate)} of requests with a 5XX of its own (${LOAD_BALANCER_METRICS.elb5xx}) for ${periods}; CloudWatch does not say which compute caused them.`,
        limits.maxErrorRate,
        [
          {
            id: 'elb_5xx_rate',
            label: 'load balancer 5XX rate',
            expression: whenJudged('requests', minimum, `${errorSum(['elb_5xx'])} / requests`),
            returnData: true,
          },
          metricTerm('requests', LOAD_BALANCER_METRICS.requests, dimensions),
          metricTerm('elb_5xx', LOAD_BALANCER_METRICS.elb5xx, dimensions),
        ],
      ),
    );

    // The names as written, not read back from the resources: known before apply, so plans show them.
    const names = (list: CloudwatchMetricAlarm[]) => list.map((a) => alarmName(a.node.id));
    this.alarmNames = { lambda: names(alarms.lambda), fargate: names(alarms.fargate), loadBalancer: names(alarms.loadBalancer) };
    this.alarmArns = Object.values(alarms)
      .flat()
      .map((a) => a.arn);
    this.topicArn = topicArn;
  }
}
