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
        'ecr_repository_url',
        'ecs_cluster_name',
        'ecs_service_name',
        'fargate_standby_active',
        'job_task_definition_arn',
        'jobs_table_name',
        'lambda_function_name',
        'load_balancer_arn_suffix',
        'running_image_uri',
        'service_url',
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
});
