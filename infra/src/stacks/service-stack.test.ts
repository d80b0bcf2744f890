import { ENVIRONMENTS, type EnvironmentConfig } from '../config/environments';
import { resourcesOf, synthStack } from '../../test/support/synth-stack';
import { Testing } from 'cdktf';
import { ServiceStack } from './service-stack';
import { REPOSITORY_ROOT } from '../../test/support/synth-stack';

const dev = ENVIRONMENTS.dev!;
const prod = ENVIRONMENTS.prod!;

describe('ServiceStack', () => {
  test.each(Object.values(ENVIRONMENTS))('$name exposes the outputs operators need', (environment) => {
    const stack = synthStack(environment);
    expect(Object.keys(stack.output!).sort()).toEqual(
      [
        'active_compute',
        'alarm_names',
        'alarm_topic_arn',
        'dashboard_name',
        'ecr_repository_url',
        'ecs_cluster_name',
        'ecs_service_name',
        'fargate_standby_active',
        'job_task_definition_arn',
        'jobs_table_name',
        'lambda_function_name',
        'listener_rule_arn',
        'load_balancer_arn_suffix',
        'running_image_uri',
        'service_url',
        'target_groups',
        'traffic_weights',
      ].sort(),
    );
  });

  test('Fargate capacity comes after the listeners that attach its target group, and the routing after the capacity', () => {
    const stack = synthStack(dev);
    const [tasks] = resourcesOf(stack, 'aws_ecs_task_set');
    const listeners = resourcesOf(stack, 'aws_lb_listener').map((l) => `aws_lb_listener.${l.name}`);
    expect(tasks!.depends_on).toEqual(expect.arrayContaining(listeners));
    const [rule] = resourcesOf(stack, 'aws_lb_listener_rule');
    const [gate] = resourcesOf(stack, 'terraform_data').filter((r) => r.name.includes('drain-gate'));
    const [warmUp] = resourcesOf(stack, 'aws_lambda_invocation');
    expect(rule!.depends_on).toEqual(expect.arrayContaining([`terraform_data.${gate!.name}`, `aws_lambda_invocation.${warmUp!.name}`]));
  });

  test('the internet-facing ALB waits for the internet gateway', () => {
    const stack = synthStack(dev);
    const [alb] = resourcesOf(stack, 'aws_lb');
    const [gateway] = resourcesOf(stack, 'aws_internet_gateway');
    expect(alb!.depends_on).toEqual([`aws_internet_gateway.${gateway!.name}`]);
  });

  test('both computes run the same image reference', () => {
    const stack = synthStack(dev);
    const [fn] = resourcesOf(stack, 'aws_lambda_function');
    const [task] = resourcesOf(stack, 'aws_ecs_task_definition');
    expect(fn!.image_uri).toBe('${local.image_uri_effective}');
    expect(JSON.parse(task!.container_definitions as string)[0].image).toBe('${local.image_uri_effective}');
    expect(stack.locals?.image_uri_effective).toMatch(
      /var\.image_uri != "" \? var\.image_uri : join\(":", \[aws_ecr_repository\.\w+\.repository_url, "src-f{20}-x86_64"\]\)/,
    );
  });

  test('no committed file sets the split: both variables default to null, so workspace variables decide', () => {
    const stack = synthStack(dev);
    expect(stack.variable!.lambda_weight!.default).toBeNull();
    expect(stack.variable!.compute!.default).toBeNull();
  });

  test('prod uses a NAT gateway and private subnets; dev saves the NAT cost with public subnets', () => {
    const network = (env: EnvironmentConfig) => {
      const stack = synthStack(env);
      const [tasks] = resourcesOf(stack, 'aws_ecs_task_set');
      return {
        nat: resourcesOf(stack, 'aws_nat_gateway').length,
        publicIp: (tasks!.network_configuration as { assign_public_ip: boolean }).assign_public_ip,
      };
    };
    expect(network(prod)).toEqual({ nat: 1, publicIp: false });
    expect(network(dev)).toEqual({ nat: 0, publicIp: true });
  });

  test('remote state goes to S3 with a lock', () => {
    const stack = new ServiceStack(Testing.app(), 'switchyard-prod', {
      environment: prod,
      sourceHash: 'a'.repeat(64),
      repositoryRoot: REPOSITORY_ROOT,
      remoteState: { bucket: 'tf-state', region: 'eu-west-1' },
    });
    expect(JSON.parse(Testing.synth(stack)).terraform.backend.s3).toEqual({
      bucket: 'tf-state',
      key: 'switchyard/switchyard-prod.tfstate',
      region: 'eu-west-1',
      encrypt: true,
      use_lockfile: true,
    });
  });

  describe('the safety net', () => {
    const stack = synthStack(dev);
    const targetGroup = (type: string) => resourcesOf(stack, 'aws_lb_target_group').find((tg) => tg.target_type === type)!;
    const alarms = resourcesOf(stack, 'aws_cloudwatch_metric_alarm');
    type Query = { metric?: { dimensions: Record<string, string> } };

    test("each compute's alarms watch that compute's target group on the stack's load balancer", () => {
      const output = stack.output!.alarm_names!.value as Record<string, string[]>;
      const [alb] = resourcesOf(stack, 'aws_lb');
      for (const [compute, type] of [
        ['lambda', 'lambda'],
        ['fargate', 'ip'],
      ] as const) {
        const names = output[compute]!;
        expect(names.length).toBe(2);
        for (const name of names) {
          const alarm = alarms.find((a) => a.alarm_name === name)!;
          for (const query of (alarm.metric_query as Query[]).filter((q) => q.metric))
            expect(query.metric!.dimensions).toEqual({
              LoadBalancer: `\${aws_lb.${alb!.name}.arn_suffix}`,
              TargetGroup: `\${aws_lb_target_group.${targetGroup(type).name}.arn_suffix}`,
            });
        }
      }
      expect(output.load_balancer).toHaveLength(1);
      expect(alarms.map((a) => a.alarm_name).sort()).toEqual(Object.values(output).flat().sort());
    });

    test('the outputs pnpm flip reads name the routing rule, the target groups and the dashboard', () => {
      const [rule] = resourcesOf(stack, 'aws_lb_listener_rule');
      const [dashboard] = resourcesOf(stack, 'aws_cloudwatch_dashboard');
      expect(stack.output!.listener_rule_arn!.value).toBe(`\${aws_lb_listener_rule.${rule!.name}.arn}`);
      expect(stack.output!.dashboard_name!.value).toBe(`\${aws_cloudwatch_dashboard.${dashboard!.name}.dashboard_name}`);
      for (const [compute, type] of [
        ['lambda', 'lambda'],
        ['fargate', 'ip'],
      ] as const) {
        const address = `aws_lb_target_group.${targetGroup(type).name}`;
        expect((stack.output!.target_groups!.value as Record<string, unknown>)[compute]).toEqual({
          arn: `\${${address}.arn}`,
          arn_suffix: `\${${address}.arn_suffix}`,
        });
      }
    });

    test("the limits are the environment's: a stricter one synthesizes a stricter alarm", () => {
      const threshold = (env: EnvironmentConfig, name: string) =>
        resourcesOf(synthStack(env), 'aws_cloudwatch_metric_alarm').find((a) => a.alarm_name === `switchyard-dev-${name}`)!.threshold;
      const stricter: EnvironmentConfig = { ...dev, safetyNet: { ...dev.safetyNet, maxErrorRate: 0.001, maxP99Ms: 300 } };
      expect(threshold(dev, 'fargate-error-rate')).toBe(dev.safetyNet.maxErrorRate);
      expect(threshold(stricter, 'fargate-error-rate')).toBe(0.001);
      expect(threshold(stricter, 'lambda-p99')).toBe(0.3);
    });

    test('an alarm topic exists only with an address to email, and then every alarm notifies it', () => {
      expect(resourcesOf(stack, 'aws_sns_topic')).toEqual([]);
      expect(stack.output!.alarm_topic_arn!.value).toBe('');
      const withEmail = synthStack({ ...dev, safetyNet: { ...dev.safetyNet, notifyEmail: 'oncall@example.com' } });
      const [topic] = resourcesOf(withEmail, 'aws_sns_topic');
      const arn = `\${aws_sns_topic.${topic!.name}.arn}`;
      expect(withEmail.output!.alarm_topic_arn!.value).toBe(arn);
      for (const alarm of resourcesOf(withEmail, 'aws_cloudwatch_metric_alarm')) expect(alarm.alarm_actions).toEqual([arn]);
    });
  });
});
