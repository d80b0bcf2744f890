import { ECS_STOP_TIMEOUT_SECONDS } from '@switchyard/domain/timing-budget';
import { each, editContainer, first, rule, type PolicyRule } from '../rule';
import type { Block } from '../stack-view';

const SECRET_NAME = /(secret|password|passwd|token|api_?key|private_?key|credential)/i;

/** ECS: the cluster, the service, its task sets and task definitions. */
export const ECS_RULES: PolicyRule[] = [
  rule(
    'ECS.2',
    'Tasks get no public IP; they are reached through the ALB only.',
    (s) =>
      each(
        [...s.resources('aws_ecs_service'), ...s.resources('aws_ecs_task_set')],
        (r) => r.network_configuration?.assign_public_ip !== true,
        (r) => `${r.name} assigns public IPs`,
      ),
    (j) => (first(j, 'aws_ecs_task_set').network_configuration.assign_public_ip = true),
  ),
  rule(
    'ECS.4',
    'Containers are not privileged.',
    (s) =>
      each(
        s.containers(),
        (c) => c.privileged !== true,
        (c) => `${c.name} is privileged`,
      ),
    (j) => editContainer(j, (c) => (c.privileged = true)),
  ),
  rule(
    'ECS.5',
    'Containers have a read-only root filesystem.',
    (s) =>
      each(
        s.containers(),
        (c) => c.readonlyRootFilesystem === true,
        (c) => `${c.name} has a writable root`,
      ),
    (j) => editContainer(j, (c) => (c.readonlyRootFilesystem = false)),
  ),
  rule(
    'SWY-ECS-USER',
    'Containers run as a non-root user.',
    (s) =>
      each(
        s.containers(),
        (c) => typeof c.user === 'string' && !/^(root|0)(:|$)/.test(c.user),
        (c) => `${c.name} runs as root or an unset user`,
      ),
    (j) => editContainer(j, (c) => (c.user = 'root')),
  ),
  rule(
    'ECS.9',
    'Containers send their logs somewhere (awslogs).',
    (s) =>
      each(
        s.containers(),
        (c) => c.logConfiguration?.logDriver === 'awslogs',
        (c) => `${c.name} has no log configuration`,
      ),
    (j) => editContainer(j, (c) => delete c.logConfiguration),
  ),
  rule(
    'ECS.8',
    'No secrets in plain environment variables; use secrets from Secrets Manager or SSM.',
    (s) =>
      s
        .containers()
        .flatMap((c) =>
          ((c.environment ?? []) as Array<{ name: string }>)
            .filter((e) => SECRET_NAME.test(e.name))
            .map((e) => `${c.name} has ${e.name} in plain env`),
        ),
    (j) => editContainer(j, (c) => c.environment.push({ name: 'DB_PASSWORD', value: 'hunter2' })),
  ),
  rule(
    'SWY-ECS-HEALTHY',
    'The apply waits until new tasks are healthy in the load balancer (task set STEADY_STATE).',
    (s) =>
      each(
        s.resources('aws_ecs_task_set'),
        (t) => t.wait_until_stable === true && t.load_balancer?.length > 0,
        (t) => `${t.name} does not wait for healthy tasks`,
      ),
    (j) => (first(j, 'aws_ecs_task_set').wait_until_stable = false),
  ),
  rule(
    'SWY-ECS-DESIRED',
    'Autoscaling owns the task count: no deploy resets it.',
    (s) =>
      each(
        s.lifecycleKnown ? s.resources('aws_ecs_service') : [],
        (r) => (r.lifecycle?.ignore_changes ?? []).includes('desired_count'),
        (r) => `${r.name} lets every apply set desired_count`,
      ),
    (j) => delete first(j, 'aws_ecs_service').lifecycle,
  ),
  rule(
    'SWY-ECS-CAPACITY',
    'Deployments never drop below full capacity (minimum healthy 100%).',
    (s) =>
      each(
        s.resources('aws_ecs_service'),
        (r) => Number(r.deployment_minimum_healthy_percent) >= 100,
        (r) => `${r.name} may drop below full capacity during deployments`,
      ),
    (j) => (first(j, 'aws_ecs_service').deployment_minimum_healthy_percent = 50),
  ),
  rule(
    'SWY-ECS-INIT',
    'An init process forwards signals and reaps zombies, so SIGTERM drains promptly.',
    (s) =>
      each(
        s.containers(),
        (c) => c.linuxParameters?.initProcessEnabled === true,
        (c) => `${c.name} has no init process`,
      ),
    (j) => editContainer(j, (c) => delete c.linuxParameters),
  ),
  rule(
    'SWY-ECS-STOP',
    'The stop timeout is the timing budget’s: the drain finishes the longest request before SIGKILL.',
    (s) =>
      each(
        s.containers(),
        (c) => Number(c.stopTimeout) === ECS_STOP_TIMEOUT_SECONDS,
        (c) => `${c.name} stop timeout ${c.stopTimeout} is not ${ECS_STOP_TIMEOUT_SECONDS} s`,
      ),
    (j) => editContainer(j, (c) => (c.stopTimeout = 2)),
  ),
  rule(
    'SWY-ECS-HEALTH',
    // A one-off job container serves nothing to check; its job's deadline stands in (TIMED_OUT).
    'Containers that serve requests (they map a port) have a health check, so ECS replaces hung tasks.',
    (s) =>
      each(
        s.containers().filter((c) => Array.isArray(c.portMappings) && c.portMappings.length > 0),
        (c) => Array.isArray(c.healthCheck?.command) && c.healthCheck.command.length > 1,
        (c) => `${c.name} has no health check`,
      ),
    (j) => editContainer(j, (c) => delete c.healthCheck),
  ),
  rule(
    'SWY-ECS-ROLES',
    'The task role and the execution role are separate roles.',
    (s) =>
      each(
        s.resources('aws_ecs_task_definition'),
        (t) => Boolean(t.task_role_arn) && Boolean(t.execution_role_arn) && t.task_role_arn !== t.execution_role_arn,
        (t) => `${t.name} shares or lacks task/execution roles`,
      ),
    (j) => {
      const task = first(j, 'aws_ecs_task_definition');
      task.task_role_arn = task.execution_role_arn;
    },
  ),
  rule(
    'ECS.12',
    'Clusters have Container Insights enabled.',
    (s) =>
      each(
        s.resources('aws_ecs_cluster'),
        (c) => (c.setting ?? []).some((x: Block) => x.name === 'containerInsights' && ['enabled', 'enhanced'].includes(x.value)),
        (c) => `${c.name} has no Container Insights`,
      ),
    (j) => (first(j, 'aws_ecs_cluster').setting = []),
  ),
  rule(
    'SWY-ECS-AWSVPC',
    'Tasks use awsvpc networking, so security groups apply per task.',
    (s) =>
      each(
        s.resources('aws_ecs_task_definition'),
        (t) => t.network_mode === 'awsvpc',
        (t) => `${t.name} does not use awsvpc`,
      ),
    (j) => (first(j, 'aws_ecs_task_definition').network_mode = 'bridge'),
  ),
];
