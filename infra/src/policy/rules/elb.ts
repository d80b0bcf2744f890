import { DEREGISTRATION_DELAY_SECONDS, ROUTING_SETTLE_SECONDS } from '@switchyard/domain/timing-budget';
import { byKey, each, first, rule, type PolicyRule } from '../rule';

/** Elastic Load Balancing: the ALB, its listeners, target groups and the switch's routing. */
export const ELB_RULES: PolicyRule[] = [
  rule(
    'ELB.4',
    'The ALB drops invalid HTTP header fields (request smuggling).',
    (s) =>
      each(
        s.resources('aws_lb'),
        (r) => r.drop_invalid_header_fields === true,
        (r) => `${r.name} keeps invalid header fields`,
      ),
    (j) => (first(j, 'aws_lb').drop_invalid_header_fields = false),
  ),
  rule(
    'ELB.12',
    'The ALB mitigates HTTP desync in defensive or strictest mode.',
    (s) =>
      each(
        s.resources('aws_lb'),
        (r) => ['defensive', 'strictest'].includes(r.desync_mitigation_mode),
        (r) => `${r.name} desync mitigation is ${r.desync_mitigation_mode}`,
      ),
    (j) => (first(j, 'aws_lb').desync_mitigation_mode = 'monitor'),
  ),
  rule(
    'ELB.6',
    'Production load balancers have deletion protection.',
    (s) =>
      s.production
        ? each(
            s.resources('aws_lb'),
            (r) => r.enable_deletion_protection === true,
            (r) => `${r.name} has no deletion protection`,
          )
        : [],
    (j) => (first(j, 'aws_lb').enable_deletion_protection = false),
  ),
  rule(
    'SWY-ELB-TLS',
    'HTTPS listeners use a TLS 1.2+ policy with forward secrecy.',
    (s) =>
      each(
        s.resources('aws_lb_listener').filter((l) => l.protocol === 'HTTPS'),
        (l) => /^ELBSecurityPolicy-TLS13-1-[23]-/.test(String(l.ssl_policy)),
        (l) => `${l.name} uses ${l.ssl_policy}`,
      ),
    (j) => (byKey(j, 'aws_lb_listener', 'protocol', 'HTTPS').ssl_policy = 'ELBSecurityPolicy-2016-08'),
  ),
  rule(
    'ELB.1',
    'Where HTTPS exists, plain HTTP only redirects to it.',
    (s) => {
      const listeners = s.resources('aws_lb_listener');
      if (!listeners.some((l) => l.protocol === 'HTTPS')) return [];
      return each(
        listeners.filter((l) => l.protocol === 'HTTP'),
        (l) => l.default_action?.[0]?.type === 'redirect' && l.default_action[0].redirect?.protocol === 'HTTPS',
        (l) => `${l.name} serves plain HTTP`,
      );
    },
    (j) =>
      (byKey(j, 'aws_lb_listener', 'protocol', 'HTTP').default_action = byKey(j, 'aws_lb_listener', 'protocol', 'HTTPS').default_action),
  ),
  rule(
    'SWY-ELB-HEALTH',
    'IP target groups are health-checked on the readiness path.',
    (s) =>
      each(
        s.resources('aws_lb_target_group').filter((t) => t.target_type === 'ip'),
        (t) => t.health_check?.path === '/ready',
        (t) => `${t.name} is not checked on /ready`,
      ),
    (j) => (byKey(j, 'aws_lb_target_group', 'target_type', 'ip').health_check.path = '/'),
  ),
  rule(
    'SWY-ELB-DRAIN',
    'Deregistration waits for the longest request (timing budget), not the 300 s default.',
    (s) =>
      each(
        s.resources('aws_lb_target_group').filter((t) => t.target_type === 'ip'),
        (t) => Number(t.deregistration_delay) === DEREGISTRATION_DELAY_SECONDS,
        (t) => `${t.name} deregistration delay ${t.deregistration_delay}`,
      ),
    (j) => (byKey(j, 'aws_lb_target_group', 'target_type', 'ip').deregistration_delay = '300'),
  ),
  rule(
    'SWY-ELB-IGW',
    'An internet-facing ALB is created after the internet gateway of a VPC the stack creates.',
    (s) => {
      const gateways = s.resources('aws_internet_gateway').map((g) => `aws_internet_gateway.${g.name}`);
      return each(
        s.resources('aws_lb').filter((lb) => lb.internal !== true),
        (lb) => gateways.every((g) => (lb.depends_on ?? []).includes(g)),
        (lb) => `${lb.name} may be created before the internet gateway`,
      );
    },
    (j) => delete first(j, 'aws_lb').depends_on,
  ),
  rule(
    'SWY-SWITCH-ORDER',
    'The routing waits for ready capacity, and leaves it before it goes.',
    (s) => {
      const gates = s.resources('terraform_data').filter((d) => d.name.includes('drain-gate'));
      const warmUps = s.resources('aws_lambda_invocation');
      const ready = [...gates.map((g) => `terraform_data.${g.name}`), ...warmUps.map((w) => `aws_lambda_invocation.${w.name}`)];
      const problems = each(
        s.resources('aws_lb_listener_rule'),
        (r) => ready.length === 2 && ready.every((d) => (r.depends_on ?? []).includes(d)),
        (r) => `${r.name} does not wait for the drain gate and the warm-up`,
      );
      for (const block of s.lifecycleKnown ? [...gates, ...warmUps, ...s.resources('aws_ecs_task_set')] : []) {
        if (block.lifecycle?.create_before_destroy !== true) problems.push(`${block.name} is destroyed before the routing leaves it`);
      }
      for (const gate of gates) {
        const command = String(gate.provisioner?.[0]?.['local-exec']?.command ?? '');
        if (!command.includes(String(ROUTING_SETTLE_SECONDS * 1000))) problems.push(`${gate.name} does not pause for ALB rule changes`);
      }
      return problems;
    },
    (j) => (first(j, 'aws_lb_listener_rule').depends_on = []),
  ),
];
