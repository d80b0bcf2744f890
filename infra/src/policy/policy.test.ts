import { ENVIRONMENTS, type EnvironmentConfig } from '../config/environments';
import { synthStack, type SynthesizedStack } from '../testing/synth-stack';
import { evaluate, RULES, WAIVERS } from './rules';
import { StackView } from './stack-view';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
const prod = ENVIRONMENTS.prod!;
const prodWithHttps: EnvironmentConfig = {
  ...prod,
  certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc',
  allowPlainHttp: false,
  lambda: { ...prod.lambda, reservedConcurrency: 100 },
};
const view = (name: string, json: SynthesizedStack) => new StackView(name, json);

describe('policy: every stack complies, apart from the listed waivers', () => {
  test(`there are at least 30 rules, each with an id and a reason`, () => {
    expect(RULES.length).toBeGreaterThanOrEqual(30);
    expect(new Set(RULES.map((r) => r.id)).size).toBe(RULES.length);
    RULES.forEach((r) => expect(r.reason.length).toBeGreaterThan(10));
  });

  test.each(
    [...Object.values(ENVIRONMENTS), prodWithHttps].map((env) => [env.certificateArn ? `${env.name} with HTTPS` : env.name, env] as const),
  )('%s', (_, env) => {
    const findings = evaluate(view(`switchyard-${env.name}`, synthStack(env)));
    expect(findings.filter((f) => !f.waived)).toEqual([]);
  });

  test('every waiver names a rule and is still needed', () => {
    for (const waiver of WAIVERS) {
      expect(RULES.map((r) => r.id)).toContain(waiver.ruleId);
      const env = Object.values(ENVIRONMENTS).find((e) => `switchyard-${e.name}` === waiver.stack)!;
      expect(evaluate(view(waiver.stack, synthStack(env))).some((f) => f.waived === waiver)).toBe(true);
    }
  });
});

// Each rule must catch what it is about: break a compliant stack that way and the rule reports it.
const first = (json: Json, type: string) => Object.values(json.resource[type])[0] as Json;
const byKey = (json: Json, type: string, key: string, value: unknown) =>
  (Object.values(json.resource[type]) as Json[]).find((r) => r[key] === value);
const editContainer = (json: Json, edit: (c: Json) => void) => {
  const task = first(json, 'aws_ecs_task_definition');
  const containers = JSON.parse(task.container_definitions);
  edit(containers[0]);
  task.container_definitions = JSON.stringify(containers);
};
const statements = (json: Json) => (Object.values(json.data.aws_iam_policy_document) as Json[]).flatMap((d) => d.statement);
const ingress = (json: Json) => Object.values(json.resource.aws_vpc_security_group_ingress_rule) as Json[];

const BREAKS: Record<string, (json: Json) => void> = {
  'ECR.1': (j) => (first(j, 'aws_ecr_repository').image_scanning_configuration.scan_on_push = false),
  'ECR.2': (j) => (first(j, 'aws_ecr_repository').image_tag_mutability = 'MUTABLE'),
  'ECR.3': (j) => delete j.resource.aws_ecr_lifecycle_policy,
  CKV_AWS_136: (j) => delete first(j, 'aws_ecr_repository').encryption_configuration,
  'ECS.2': (j) => (first(j, 'aws_ecs_task_set').network_configuration.assign_public_ip = true),
  'ECS.4': (j) => editContainer(j, (c) => (c.privileged = true)),
  'ECS.5': (j) => editContainer(j, (c) => (c.readonlyRootFilesystem = false)),
  'SWY-ECS-USER': (j) => editContainer(j, (c) => (c.user = 'root')),
  'ECS.9': (j) => editContainer(j, (c) => delete c.logConfiguration),
  'ECS.8': (j) => editContainer(j, (c) => c.environment.push({ name: 'DB_PASSWORD', value: 'hunter2' })),
  'SWY-ECS-HEALTHY': (j) => (first(j, 'aws_ecs_task_set').wait_until_stable = false),
  'SWY-ECS-DESIRED': (j) => delete first(j, 'aws_ecs_service').lifecycle,
  'SWY-ECR-LAMBDA': (j) => delete j.resource.aws_ecr_repository_policy,
  'SWY-ECR-KEEP-RUNNING': (j) => {
    const policy = first(j, 'aws_ecr_lifecycle_policy');
    const parsed = JSON.parse(policy.policy);
    parsed.rules = parsed.rules.slice(1);
    policy.policy = JSON.stringify(parsed);
  },
  'SWY-ELB-IGW': (j) => delete first(j, 'aws_lb').depends_on,
  'SWY-SWITCH-ORDER': (j) => (first(j, 'aws_lb_listener_rule').depends_on = []),
  'SWY-ECS-CAPACITY': (j) => (first(j, 'aws_ecs_service').deployment_minimum_healthy_percent = 50),
  'SWY-ECS-INIT': (j) => editContainer(j, (c) => delete c.linuxParameters),
  'SWY-ECS-STOP': (j) => editContainer(j, (c) => (c.stopTimeout = 2)),
  'SWY-ECS-HEALTH': (j) => editContainer(j, (c) => delete c.healthCheck),
  'SWY-ECS-ROLES': (j) => {
    const task = first(j, 'aws_ecs_task_definition');
    task.task_role_arn = task.execution_role_arn;
  },
  'ECS.12': (j) => (first(j, 'aws_ecs_cluster').setting = []),
  'SWY-ECS-AWSVPC': (j) => (first(j, 'aws_ecs_task_definition').network_mode = 'bridge'),
  'ELB.4': (j) => (first(j, 'aws_lb').drop_invalid_header_fields = false),
  'ELB.12': (j) => (first(j, 'aws_lb').desync_mitigation_mode = 'monitor'),
  'ELB.6': (j) => (first(j, 'aws_lb').enable_deletion_protection = false),
  'SWY-ELB-TLS': (j) => (byKey(j, 'aws_lb_listener', 'protocol', 'HTTPS').ssl_policy = 'ELBSecurityPolicy-2016-08'),
  'ELB.1': (j) =>
    (byKey(j, 'aws_lb_listener', 'protocol', 'HTTP').default_action = byKey(j, 'aws_lb_listener', 'protocol', 'HTTPS').default_action),
  'SWY-ELB-HEALTH': (j) => (byKey(j, 'aws_lb_target_group', 'target_type', 'ip').health_check.path = '/'),
  'SWY-ELB-DRAIN': (j) => (byKey(j, 'aws_lb_target_group', 'target_type', 'ip').deregistration_delay = '300'),
  'IAM.21': (j) =>
    statements(j)
      .find((s: Json) => s.sid === 'WriteServiceLogs')
      .actions.push('logs:*'),
  'SWY-IAM-RESOURCE': (j) =>
    statements(j)
      .find((s: Json) => s.sid === 'EcrLogin')
      .actions.push('ecr:PutImage'),
  'SWY-IAM-TRUST': (j) =>
    statements(j)
      .find((s: Json) => s.actions.includes('sts:AssumeRole'))
      .principals.push({ type: 'AWS', identifiers: ['*'] }),
  CKV_AWS_338: (j) => delete first(j, 'aws_cloudwatch_log_group').retention_in_days,
  'SWY-LOG-LAMBDA': (j) => delete first(j, 'aws_lambda_function').logging_config,
  'SWY-SG-TASKS': (j) => (ingress(j).find((r) => r.referenced_security_group_id).cidr_ipv4 = '10.0.0.0/8'),
  'EC2.19': (j) => (ingress(j).find((r) => r.cidr_ipv4 === '0.0.0.0/0').to_port = 22),
  CKV_AWS_23: (j) => delete first(j, 'aws_security_group').description,
  'Lambda.1': (j) => delete first(j, 'aws_lambda_permission').source_arn,
  CKV_AWS_115: (j) => (first(j, 'aws_lambda_function').reserved_concurrent_executions = -1),
  'SWY-LAMBDA-TIMEOUT': (j) => (first(j, 'aws_lambda_function').timeout = 3),
  'EC2.15': (j) => (first(j, 'aws_subnet').map_public_ip_on_launch = true),
  'SWY-ECR-PULL': (j) =>
    statements(j)
      .find((s: Json) => s.sid === 'PullServiceImage')
      .resources.push('*'),
};

describe('policy: each rule catches the violation it names', () => {
  const compliant = synthStack(prodWithHttps);

  test('every rule has a breaking example', () => {
    expect(Object.keys(BREAKS).sort()).toEqual(RULES.map((r) => r.id).sort());
  });

  test.each(RULES.map((r) => [r.id, r] as const))('%s', (id, rule) => {
    const broken = structuredClone(compliant) as Json;
    BREAKS[id]!(broken);
    expect(rule.check(view('switchyard-prod', broken)).length).toBeGreaterThan(0);
    expect(rule.check(view('switchyard-prod', compliant))).toEqual([]);
  });
});
