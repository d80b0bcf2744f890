import { Testing } from 'cdktf';
import { ENVIRONMENTS, type SafetyNet } from '../config/environments';
import { alarmFires, alarmValue, type Period, type SynthesizedAlarm } from '../../test/support/metric-math';
import { SafetyNetAlarms } from './safety-net';

const dev = ENVIRONMENTS.dev!.safetyNet;
const prod = ENVIRONMENTS.prod!.safetyNet;
const SUFFIXES = { lambda: 'targetgroup/x-lambda/1', fargate: 'targetgroup/x-fargate/2' };
const LOAD_BALANCER = 'app/x-alb/3';

type Resources = Record<string, Record<string, Record<string, unknown>>>;

function synth(limits: SafetyNet) {
  let made: SafetyNetAlarms | undefined;
  const json = Testing.synthScope((scope) => {
    made = new SafetyNetAlarms(scope, 'safety-net', {
      namePrefix: 'x',
      limits,
      loadBalancerArnSuffix: LOAD_BALANCER,
      targetGroupArnSuffixes: SUFFIXES,
    });
  });
  const resource = (JSON.parse(json) as { resource: Resources }).resource;
  const alarms = Object.values(resource.aws_cloudwatch_metric_alarm ?? {}) as unknown as Array<SynthesizedAlarm & Record<string, unknown>>;
  const alarm = (name: string) => {
    const found = alarms.find((a) => a.alarm_name === `x-${name}`);
    if (!found) throw new Error(`no alarm x-${name}`);
    return found;
  };
  return { resource, alarms, alarm, construct: made! };
}

/** `minutes` one-minute periods of the same traffic. */
const minutes = (count: number, period: Period): Period[] => Array.from({ length: count }, () => period);

describe('SafetyNetAlarms: each compute, judged on its own target group', () => {
  const { alarms, alarm, construct } = synth(dev);

  test('two alarms per compute and one for the load balancer, named for what they watch', () => {
    expect(alarms).toHaveLength(5);
    expect(construct.alarmNames).toEqual({
      lambda: ['x-lambda-error-rate', 'x-lambda-p99'],
      fargate: ['x-fargate-error-rate', 'x-fargate-p99'],
      loadBalancer: ['x-load-balancer-5xx-rate'],
    });
  });

  test.each([
    ['lambda', 'targetgroup/x-lambda/1'],
    ['fargate', 'targetgroup/x-fargate/2'],
  ])("%s's alarms read only its own target group, on this load balancer, a minute at a time", (compute, targetGroup) => {
    for (const name of [`${compute}-error-rate`, `${compute}-p99`]) {
      const metrics = alarm(name).metric_query.filter((q) => q.metric);
      expect(metrics.length).toBeGreaterThan(1);
      for (const q of metrics) {
        expect(q.metric).toMatchObject({ dimensions: { LoadBalancer: LOAD_BALANCER, TargetGroup: targetGroup }, period: 60 });
      }
    }
  });

  test.each([
    // Lambda: 3 5XX answered by the function and 3 failed invocations are 6% of 100 requests.
    ['lambda', { RequestCount: 100, HTTPCode_Target_5XX_Count: 3, LambdaUserError: 2, LambdaInternalError: 1 }, true],
    ['lambda', { RequestCount: 100, LambdaUserError: 5 }, false],
    // Fargate: connections to a task that failed count against Fargate.
    ['fargate', { RequestCount: 100, TargetConnectionErrorCount: 6 }, true],
    ['fargate', { RequestCount: 100, HTTPCode_Target_5XX_Count: 2, TargetConnectionErrorCount: 2 }, false],
    // Another compute's error metric is not this one's.
    ['fargate', { RequestCount: 100, LambdaUserError: 50 }, false],
  ])('%s error rate over two minutes of %j: fires %s (dev: above 5%)', (compute, traffic, fires) => {
    expect(alarmFires(alarm(`${compute}-error-rate`), minutes(2, traffic))).toBe(fires);
  });

  test('the error rate is errors over requests; a minute with requests and no error data is 0%, not missing', () => {
    expect(alarmValue(alarm('lambda-error-rate'), { RequestCount: 200, LambdaUserError: 10, HTTPCode_Target_5XX_Count: 10 })).toBe(0.1);
    expect(alarmValue(alarm('fargate-error-rate'), { RequestCount: 200 })).toBe(0);
  });

  test('one bad minute is not enough: dev fires after two in a row', () => {
    const bad = { RequestCount: 100, HTTPCode_Target_5XX_Count: 50 };
    const good = { RequestCount: 100 };
    expect(alarmFires(alarm('lambda-error-rate'), [good, bad])).toBe(false);
    expect(alarmFires(alarm('lambda-error-rate'), [bad, good])).toBe(false);
    expect(alarmFires(alarm('lambda-error-rate'), [good, bad, bad])).toBe(true);
  });

  test('a minute with fewer requests than the per-period minimum is not judged, however it went', () => {
    // dev: 50 requests over a 2-minute bake, so 25 a minute.
    const thin = { RequestCount: 24, HTTPCode_Target_5XX_Count: 24, TargetConnectionErrorCount: 24 };
    expect(alarmFires(alarm('fargate-error-rate'), minutes(2, thin))).toBe(false);
    expect(alarmFires(alarm('fargate-p99'), minutes(2, { RequestCount: 24, TargetResponseTime: 30 }))).toBe(false);
    expect(alarmFires(alarm('fargate-error-rate'), minutes(2, { ...thin, RequestCount: 25 }))).toBe(true);
  });

  test('a compute with no traffic (0% of the split) has no data and never fires', () => {
    for (const a of alarms) {
      expect(a.treat_missing_data).toBe('notBreaching');
      expect(alarmFires(a, minutes(5, {}))).toBe(false);
    }
  });

  test.each([
    ['lambda', 2.5, true],
    ['lambda', 1.9, false],
    ['fargate', 2.01, true],
  ])('%s with a p99 of %f s for two busy minutes: fires %s (dev: above 2,000 ms)', (compute, p99Seconds, fires) => {
    const p99 = alarm(`${compute}-p99`);
    expect(p99.metric_query.find((q) => q.metric?.metric_name === 'TargetResponseTime')?.metric?.stat).toBe('p99');
    expect(alarmFires(p99, minutes(2, { RequestCount: 100, TargetResponseTime: p99Seconds }))).toBe(fires);
  });

  test("the load balancer's own 5XX are judged against all its requests, by the LoadBalancer dimension alone", () => {
    const lb = alarm('load-balancer-5xx-rate');
    for (const q of lb.metric_query.filter((m) => m.metric)) expect(q.metric!.dimensions).toEqual({ LoadBalancer: LOAD_BALANCER });
    expect(alarmFires(lb, minutes(2, { RequestCount: 100, HTTPCode_ELB_5XX_Count: 6 }))).toBe(true);
    expect(alarmFires(lb, minutes(2, { RequestCount: 100, HTTPCode_ELB_5XX_Count: 5 }))).toBe(false);
  });
});

describe('SafetyNetAlarms follow the environment', () => {
  test('prod: stricter limits, a higher per-period minimum, three minutes in a row', () => {
    const { alarm } = synth(prod);
    // 2% errors passes dev's 5% limit but not prod's 1%.
    const twoPercent = { RequestCount: 100, HTTPCode_Target_5XX_Count: 2 };
    expect(alarmFires(synth(dev).alarm('lambda-error-rate'), minutes(3, twoPercent))).toBe(false);
    expect(alarmFires(alarm('lambda-error-rate'), minutes(3, twoPercent))).toBe(true);
    expect(alarmFires(alarm('lambda-error-rate'), minutes(2, twoPercent))).toBe(false);
    // 200 requests over a 5-minute bake: 40 a minute.
    expect(alarmFires(alarm('lambda-error-rate'), minutes(3, { RequestCount: 39, HTTPCode_Target_5XX_Count: 39 }))).toBe(false);
    expect(alarmFires(alarm('lambda-p99'), minutes(3, { RequestCount: 40, TargetResponseTime: 1.5 }))).toBe(true);
  });

  test('a changed limit moves the threshold, and the description says so', () => {
    const { alarm } = synth({ ...dev, maxErrorRate: 0.2, maxP99Ms: 750, alarmPeriods: 1 });
    expect(alarm('fargate-error-rate')).toMatchObject({ threshold: 0.2, evaluation_periods: 1, datapoints_to_alarm: 1 });
    expect(alarm('fargate-error-rate').alarm_description).toContain('more than 20%');
    expect(alarm('fargate-p99')).toMatchObject({ threshold: 0.75 });
    expect(alarmFires(alarm('fargate-p99'), [{ RequestCount: 100, TargetResponseTime: 0.8 }])).toBe(true);
  });
});

describe('SafetyNetAlarms notify by email only when an address is given', () => {
  test('without notifyEmail: no topic, no subscription, no actions', () => {
    const { resource, alarms, construct } = synth(dev);
    expect(resource.aws_sns_topic).toBeUndefined();
    expect(resource.aws_sns_topic_subscription).toBeUndefined();
    for (const a of alarms) expect(a).not.toHaveProperty('alarm_actions');
    expect(construct.topicArn).toBe('');
  });

  test('with notifyEmail: one topic, emailed, told of every alarm firing and recovering', () => {
    const { resource, alarms, construct } = synth({ ...dev, notifyEmail: 'oncall@example.com' });
    const [topicName, topic] = Object.entries(resource.aws_sns_topic!)[0]!;
    expect(Object.values(resource.aws_sns_topic_subscription!)).toEqual([
      { topic_arn: `\${aws_sns_topic.${topicName}.arn}`, protocol: 'email', endpoint: 'oncall@example.com' },
    ]);
    // CloudWatch cannot publish to a topic under the AWS-managed key.
    expect(topic.kms_master_key_id).toBeUndefined();
    expect(construct.topicArn).toBeTruthy();
    for (const a of alarms) {
      expect(a.alarm_actions).toEqual([`\${aws_sns_topic.${topicName}.arn}`]);
      expect(a.ok_actions).toEqual([`\${aws_sns_topic.${topicName}.arn}`]);
    }
  });
});
