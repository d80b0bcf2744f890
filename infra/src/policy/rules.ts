import {
  DEREGISTRATION_DELAY_SECONDS,
  ECS_STOP_TIMEOUT_SECONDS,
  LONGEST_REQUEST_SECONDS,
  ROUTING_SETTLE_SECONDS,
} from '@switchyard/domain/timing-budget';
import type { Block, StackView } from './stack-view';

export interface PolicyRule {
  /** Stable id, with the AWS Foundational Security Best Practices or checkov control it follows where one exists. */
  readonly id: string;
  readonly reason: string;
  /** One message per violation; empty when the stack complies. */
  check(stack: StackView): string[];
}

export interface Waiver {
  readonly ruleId: string;
  readonly stack: string;
  readonly justification: string;
}

const each = (blocks: Block[], ok: (b: Block) => boolean, message: (b: Block) => string) => blocks.filter((b) => !ok(b)).map(message);
const rule = (id: string, reason: string, check: (s: StackView) => string[]): PolicyRule => ({ id, reason, check });
const SECRET_NAME = /(secret|password|passwd|token|api_?key|private_?key|credential)/i;
/** Actions AWS defines with no resource-level permissions, where "*" is the only valid resource. */
const RESOURCELESS_ACTIONS = new Set(['ecr:GetAuthorizationToken']);

export const RULES: PolicyRule[] = [
  // ECR
  rule('ECR.1', 'Images are scanned for vulnerabilities when pushed.', (s) =>
    each(
      s.resources('aws_ecr_repository'),
      (r) => r.image_scanning_configuration?.scan_on_push === true,
      (r) => `${r.name} does not scan on push`,
    ),
  ),
  rule('ECR.2', 'Tags are immutable, so a tag always names the same image.', (s) =>
    each(
      s.resources('aws_ecr_repository'),
      (r) => r.image_tag_mutability === 'IMMUTABLE',
      (r) => `${r.name} allows mutable tags`,
    ),
  ),
  rule('ECR.3', 'A lifecycle policy expires old images, so storage does not grow for ever.', (s) => {
    const covered = new Set(s.resources('aws_ecr_lifecycle_policy').map((p) => String(p.repository)));
    return each(
      s.resources('aws_ecr_repository'),
      (r) => covered.has(`\${aws_ecr_repository.${r.name}.name}`),
      (r) => `${r.name} has no lifecycle policy`,
    );
  }),
  rule('CKV_AWS_136', 'Repositories are encrypted at rest with an explicit setting.', (s) =>
    each(
      s.resources('aws_ecr_repository'),
      (r) => Boolean(r.encryption_configuration?.[0]?.encryption_type),
      (r) => `${r.name} has no encryption configuration`,
    ),
  ),

  // ECS
  rule('ECS.2', 'Tasks get no public IP; they are reached through the ALB only.', (s) =>
    each(
      [...s.resources('aws_ecs_service'), ...s.resources('aws_ecs_task_set')],
      (r) => r.network_configuration?.assign_public_ip !== true,
      (r) => `${r.name} assigns public IPs`,
    ),
  ),
  rule('ECS.4', 'Containers are not privileged.', (s) =>
    each(
      s.containers(),
      (c) => c.privileged !== true,
      (c) => `${c.name} is privileged`,
    ),
  ),
  rule('ECS.5', 'Containers have a read-only root filesystem.', (s) =>
    each(
      s.containers(),
      (c) => c.readonlyRootFilesystem === true,
      (c) => `${c.name} has a writable root`,
    ),
  ),
  rule('SWY-ECS-USER', 'Containers run as a non-root user.', (s) =>
    each(
      s.containers(),
      (c) => typeof c.user === 'string' && !/^(root|0)(:|$)/.test(c.user),
      (c) => `${c.name} runs as root or an unset user`,
    ),
  ),
  rule('ECS.9', 'Containers send their logs somewhere (awslogs).', (s) =>
    each(
      s.containers(),
      (c) => c.logConfiguration?.logDriver === 'awslogs',
      (c) => `${c.name} has no log configuration`,
    ),
  ),
  rule('ECS.8', 'No secrets in plain environment variables; use secrets from Secrets Manager or SSM.', (s) =>
    s
      .containers()
      .flatMap((c) =>
        ((c.environment ?? []) as Array<{ name: string }>)
          .filter((e) => SECRET_NAME.test(e.name))
          .map((e) => `${c.name} has ${e.name} in plain env`),
      ),
  ),
  rule('SWY-ECS-HEALTHY', 'The apply waits until new tasks are healthy in the load balancer (task set STEADY_STATE).', (s) =>
    each(
      s.resources('aws_ecs_task_set'),
      (t) => t.wait_until_stable === true && t.load_balancer?.length > 0,
      (t) => `${t.name} does not wait for healthy tasks`,
    ),
  ),
  rule('SWY-ECS-DESIRED', 'Autoscaling owns the task count: no deploy resets it.', (s) =>
    each(
      s.resources('aws_ecs_service'),
      (r) => (r.lifecycle?.ignore_changes ?? []).includes('desired_count'),
      (r) => `${r.name} lets every apply set desired_count`,
    ),
  ),
  rule('SWY-ECS-CAPACITY', 'Deployments never drop below full capacity (minimum healthy 100%).', (s) =>
    each(
      s.resources('aws_ecs_service'),
      (r) => Number(r.deployment_minimum_healthy_percent) >= 100,
      (r) => `${r.name} may drop below full capacity during deployments`,
    ),
  ),
  rule('SWY-ECS-INIT', 'An init process forwards signals and reaps zombies, so SIGTERM drains promptly.', (s) =>
    each(
      s.containers(),
      (c) => c.linuxParameters?.initProcessEnabled === true,
      (c) => `${c.name} has no init process`,
    ),
  ),
  rule('SWY-ECS-STOP', 'The stop timeout is the timing budget’s: the drain finishes the longest request before SIGKILL.', (s) =>
    each(
      s.containers(),
      (c) => Number(c.stopTimeout) === ECS_STOP_TIMEOUT_SECONDS,
      (c) => `${c.name} stop timeout ${c.stopTimeout} is not ${ECS_STOP_TIMEOUT_SECONDS} s`,
    ),
  ),
  rule('SWY-ECS-HEALTH', 'Containers have a health check, so ECS replaces hung tasks.', (s) =>
    each(
      s.containers(),
      (c) => Array.isArray(c.healthCheck?.command) && c.healthCheck.command.length > 1,
      (c) => `${c.name} has no health check`,
    ),
  ),
  rule('SWY-ECS-ROLES', 'The task role and the execution role are separate roles.', (s) =>
    each(
      s.resources('aws_ecs_task_definition'),
      (t) => Boolean(t.task_role_arn) && Boolean(t.execution_role_arn) && t.task_role_arn !== t.execution_role_arn,
      (t) => `${t.name} shares or lacks task/execution roles`,
    ),
  ),
  rule('ECS.12', 'Clusters have Container Insights enabled.', (s) =>
    each(
      s.resources('aws_ecs_cluster'),
      (c) => (c.setting ?? []).some((x: Block) => x.name === 'containerInsights' && ['enabled', 'enhanced'].includes(x.value)),
      (c) => `${c.name} has no Container Insights`,
    ),
  ),
  rule('SWY-ECS-AWSVPC', 'Tasks use awsvpc networking, so security groups apply per task.', (s) =>
    each(
      s.resources('aws_ecs_task_definition'),
      (t) => t.network_mode === 'awsvpc',
      (t) => `${t.name} does not use awsvpc`,
    ),
  ),

  // ALB
  rule('ELB.4', 'The ALB drops invalid HTTP header fields (request smuggling).', (s) =>
    each(
      s.resources('aws_lb'),
      (r) => r.drop_invalid_header_fields === true,
      (r) => `${r.name} keeps invalid header fields`,
    ),
  ),
  rule('ELB.12', 'The ALB mitigates HTTP desync in defensive or strictest mode.', (s) =>
    each(
      s.resources('aws_lb'),
      (r) => ['defensive', 'strictest'].includes(r.desync_mitigation_mode),
      (r) => `${r.name} desync mitigation is ${r.desync_mitigation_mode}`,
    ),
  ),
  rule('ELB.6', 'Production load balancers have deletion protection.', (s) =>
    s.production
      ? each(
          s.resources('aws_lb'),
          (r) => r.enable_deletion_protection === true,
          (r) => `${r.name} has no deletion protection`,
        )
      : [],
  ),
  rule('SWY-ELB-TLS', 'HTTPS listeners use a TLS 1.2+ policy with forward secrecy.', (s) =>
    each(
      s.resources('aws_lb_listener').filter((l) => l.protocol === 'HTTPS'),
      (l) => /^ELBSecurityPolicy-TLS13-1-[23]-/.test(String(l.ssl_policy)),
      (l) => `${l.name} uses ${l.ssl_policy}`,
    ),
  ),
  rule('ELB.1', 'Where HTTPS exists, plain HTTP only redirects to it.', (s) => {
    const listeners = s.resources('aws_lb_listener');
    if (!listeners.some((l) => l.protocol === 'HTTPS')) return [];
    return each(
      listeners.filter((l) => l.protocol === 'HTTP'),
      (l) => l.default_action?.[0]?.type === 'redirect' && l.default_action[0].redirect?.protocol === 'HTTPS',
      (l) => `${l.name} serves plain HTTP`,
    );
  }),
  rule('SWY-ELB-HEALTH', 'IP target groups are health-checked on the readiness path.', (s) =>
    each(
      s.resources('aws_lb_target_group').filter((t) => t.target_type === 'ip'),
      (t) => t.health_check?.path === '/ready',
      (t) => `${t.name} is not checked on /ready`,
    ),
  ),
  rule('SWY-ELB-DRAIN', 'Deregistration waits for the longest request (timing budget), not the 300 s default.', (s) =>
    each(
      s.resources('aws_lb_target_group').filter((t) => t.target_type === 'ip'),
      (t) => Number(t.deregistration_delay) === DEREGISTRATION_DELAY_SECONDS,
      (t) => `${t.name} deregistration delay ${t.deregistration_delay}`,
    ),
  ),

  // IAM
  rule('IAM.21', 'No IAM statement grants a wildcard action.', (s) =>
    s
      .iamStatements()
      .flatMap((st) => st.actions.filter((a) => a === '*' || a.endsWith(':*') || a.includes('*')).map((a) => `${st.document} grants ${a}`)),
  ),
  rule('SWY-IAM-RESOURCE', 'Wildcard resources only for actions that have no resource-level permissions.', (s) =>
    s
      .iamStatements()
      .filter((st) => st.resources.includes('*') && st.principals.length === 0)
      .flatMap((st) => st.actions.filter((a) => !RESOURCELESS_ACTIONS.has(a)).map((a) => `${st.document} grants ${a} on *`)),
  ),
  rule('SWY-IAM-TRUST', 'Roles can be assumed only by a named AWS service.', (s) =>
    s
      .iamStatements()
      .filter((st) => st.actions.includes('sts:AssumeRole'))
      .flatMap((st) =>
        st.principals.every((p) => p.type === 'Service' && p.identifiers.every((i) => i.endsWith('.amazonaws.com')))
          ? []
          : [`${st.document} trusts a non-service principal`],
      ),
  ),

  // Logs
  rule('CKV_AWS_338', 'Every log group has a retention period.', (s) =>
    each(
      s.resources('aws_cloudwatch_log_group'),
      (g) => Number(g.retention_in_days) > 0,
      (g) => `${g.name} keeps logs for ever`,
    ),
  ),
  rule('SWY-LOG-LAMBDA', 'The function logs to a log group the stack manages (with retention).', (s) =>
    each(
      s.resources('aws_lambda_function'),
      (f) => typeof f.logging_config?.log_group === 'string' && f.logging_config.log_group.includes('aws_cloudwatch_log_group'),
      (f) => `${f.name} logs to an unmanaged group`,
    ),
  ),

  // Security groups
  rule('SWY-SG-TASKS', 'Task ingress comes only from the ALB security group.', (s) => {
    const taskGroups = new Set(
      [...s.resources('aws_ecs_service'), ...s.resources('aws_ecs_task_set')].flatMap(
        (t) => t.network_configuration?.security_groups ?? [],
      ),
    );
    const albGroups = new Set(s.resources('aws_lb').flatMap((lb) => lb.security_groups ?? []));
    return each(
      s.resources('aws_vpc_security_group_ingress_rule').filter((r) => taskGroups.has(r.security_group_id)),
      (r) => albGroups.has(r.referenced_security_group_id) && !r.cidr_ipv4 && !r.cidr_ipv6,
      (r) => `${r.name} admits traffic from outside the ALB`,
    );
  }),
  rule('EC2.19', 'Nothing but the ALB listens to the internet, and only on 80 and 443.', (s) =>
    each(
      s.resources('aws_vpc_security_group_ingress_rule').filter((r) => r.cidr_ipv4 === '0.0.0.0/0' || r.cidr_ipv6 === '::/0'),
      (r) => [80, 443].includes(r.from_port) && r.from_port === r.to_port,
      (r) => `${r.name} opens ${r.from_port}-${r.to_port} to the internet`,
    ),
  ),
  rule('CKV_AWS_23', 'Every security group and rule says what it is for.', (s) =>
    each(
      [
        ...s.resources('aws_security_group'),
        ...s.resources('aws_vpc_security_group_ingress_rule'),
        ...s.resources('aws_vpc_security_group_egress_rule'),
      ],
      (r) => typeof r.description === 'string' && r.description.length > 0,
      (r) => `${r.name} has no description`,
    ),
  ),

  // Lambda
  rule('Lambda.1', 'Only the ALB target group may invoke the function (permission scoped by source ARN).', (s) =>
    each(
      s.resources('aws_lambda_permission'),
      (p) =>
        typeof p.source_arn === 'string' &&
        p.source_arn.includes('aws_lb_target_group') &&
        p.principal === 'elasticloadbalancing.amazonaws.com',
      (p) => `${p.name} is not scoped to the target group`,
    ),
  ),
  rule('CKV_AWS_115', 'The function has a concurrency limit, capping runaway cost.', (s) =>
    each(
      s.resources('aws_lambda_function'),
      (f) => Number(f.reserved_concurrent_executions) > 0,
      (f) => `${f.name} has no reserved concurrency`,
    ),
  ),
  rule('SWY-LAMBDA-TIMEOUT', 'The timeout covers the longest request and stays within Lambda’s 900 s.', (s) =>
    each(
      s.resources('aws_lambda_function'),
      (f) => Number(f.timeout) > LONGEST_REQUEST_SECONDS && Number(f.timeout) <= 900,
      (f) => `${f.name} timeout ${f.timeout}`,
    ),
  ),

  // Network
  rule('EC2.15', 'Subnets do not hand out public IPs by default.', (s) =>
    each(
      s.resources('aws_subnet'),
      (n) => n.map_public_ip_on_launch !== true,
      (n) => `${n.name} auto-assigns public IPs`,
    ),
  ),
  rule('SWY-ECR-LAMBDA', 'The repository lets the Lambda service pull, for this stack’s function only (aws:sourceArn).', (s) => {
    const policies = s.resources('aws_ecr_repository_policy');
    const scoped = policies.some((p) => /lambda\.amazonaws\.com/.test(p.policy) && /aws:sourceArn.*:function:/.test(p.policy));
    return scoped ? [] : ['no repository policy admits the stack’s function through aws:sourceArn'];
  }),
  rule('SWY-ECR-KEEP-RUNNING', 'The lifecycle policy never expires the image the stack runs.', (s) =>
    each(
      s.resources('aws_ecr_lifecycle_policy'),
      (p) => {
        const first = (JSON.parse(p.policy as string) as { rules: Array<{ rulePriority: number; selection: Block }> }).rules.sort(
          (a, b) => a.rulePriority - b.rulePriority,
        )[0];
        return first?.selection.tagStatus === 'tagged' && first.selection.countNumber >= 1 && first.selection.tagPrefixList?.length === 1;
      },
      (p) => `${p.name} may expire the running image`,
    ),
  ),
  rule('SWY-ELB-IGW', 'An internet-facing ALB is created after the internet gateway of a VPC the stack creates.', (s) => {
    const gateways = s.resources('aws_internet_gateway').map((g) => `aws_internet_gateway.${g.name}`);
    return each(
      s.resources('aws_lb').filter((lb) => lb.internal !== true),
      (lb) => gateways.every((g) => (lb.depends_on ?? []).includes(g)),
      (lb) => `${lb.name} may be created before the internet gateway`,
    );
  }),
  rule('SWY-SWITCH-ORDER', 'The routing waits for ready capacity, and leaves it before it goes.', (s) => {
    const gates = s.resources('terraform_data').filter((d) => d.name.includes('drain-gate'));
    const warmUps = s.resources('aws_lambda_invocation');
    const ready = [...gates.map((g) => `terraform_data.${g.name}`), ...warmUps.map((w) => `aws_lambda_invocation.${w.name}`)];
    const problems = each(
      s.resources('aws_lb_listener_rule'),
      (r) => ready.length === 2 && ready.every((d) => (r.depends_on ?? []).includes(d)),
      (r) => `${r.name} does not wait for the drain gate and the warm-up`,
    );
    for (const block of [...gates, ...warmUps, ...s.resources('aws_ecs_task_set')]) {
      if (block.lifecycle?.create_before_destroy !== true) problems.push(`${block.name} is destroyed before the routing leaves it`);
    }
    for (const gate of gates) {
      const command = String(gate.provisioner?.[0]?.['local-exec']?.command ?? '');
      if (!command.includes(String(ROUTING_SETTLE_SECONDS * 1000))) problems.push(`${gate.name} does not pause for ALB rule changes`);
    }
    return problems;
  }),
  rule('SWY-ECR-PULL', 'The execution role pulls from this repository only.', (s) =>
    s
      .iamStatements()
      .filter((st) => st.actions.includes('ecr:BatchGetImage'))
      .flatMap((st) =>
        st.resources.every((r) => r.includes('aws_ecr_repository')) ? [] : [`${st.document} pulls from other repositories`],
      ),
  ),
];

export const WAIVERS: Waiver[] = [
  {
    ruleId: 'ECS.2',
    stack: 'switchyard-dev',
    justification:
      'dev has no NAT gateway (saves about $33 a month); tasks need a public IP to pull the image. Their security group still admits only the ALB.',
  },
  {
    ruleId: 'CKV_AWS_115',
    stack: 'switchyard-dev',
    justification:
      'dev shares the account’s unreserved concurrency; reserving some would take it from every other function in the account.',
  },
  {
    ruleId: 'CKV_AWS_115',
    stack: 'switchyard-prod',
    justification:
      'Reserving N executions needs an account concurrency quota of at least N + 100, which new accounts do not have; set lambda.reservedConcurrency in environments.ts once the quota allows.',
  },
];

export interface Finding {
  ruleId: string;
  message: string;
  waived?: Waiver;
}

export function evaluate(stack: StackView, rules: PolicyRule[] = RULES, waivers: Waiver[] = WAIVERS): Finding[] {
  return rules.flatMap((r) =>
    r.check(stack).map((message) => {
      const waived = waivers.find((w) => w.ruleId === r.id && w.stack === stack.name);
      return waived ? { ruleId: r.id, message, waived } : { ruleId: r.id, message };
    }),
  );
}
