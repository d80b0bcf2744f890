import { each, first, ingress, rule, type PolicyRule } from '../rule';

/** EC2: subnets and security groups. */
export const EC2_RULES: PolicyRule[] = [
  rule(
    'SWY-SG-TASKS',
    'Task ingress comes only from the ALB security group.',
    (s) => {
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
    },
    (j) => (ingress(j).find((r) => r.referenced_security_group_id).cidr_ipv4 = '10.0.0.0/8'),
  ),
  rule(
    'EC2.19',
    'Nothing but the ALB listens to the internet, and only on 80 and 443.',
    (s) =>
      each(
        s.resources('aws_vpc_security_group_ingress_rule').filter((r) => r.cidr_ipv4 === '0.0.0.0/0' || r.cidr_ipv6 === '::/0'),
        (r) => [80, 443].includes(r.from_port) && r.from_port === r.to_port,
        (r) => `${r.name} opens ${r.from_port}-${r.to_port} to the internet`,
      ),
    (j) => (ingress(j).find((r) => r.cidr_ipv4 === '0.0.0.0/0').to_port = 22),
  ),
  rule(
    'CKV_AWS_23',
    'Every security group and rule says what it is for.',
    (s) =>
      each(
        [
          ...s.resources('aws_security_group'),
          ...s.resources('aws_vpc_security_group_ingress_rule'),
          ...s.resources('aws_vpc_security_group_egress_rule'),
        ],
        (r) => typeof r.description === 'string' && r.description.length > 0,
        (r) => `${r.name} has no description`,
      ),
    (j) => delete first(j, 'aws_security_group').description,
  ),
  rule(
    'EC2.15',
    'Subnets do not hand out public IPs by default.',
    (s) =>
      each(
        s.resources('aws_subnet'),
        (n) => n.map_public_ip_on_launch !== true,
        (n) => `${n.name} auto-assigns public IPs`,
      ),
    (j) => (first(j, 'aws_subnet').map_public_ip_on_launch = true),
  ),
];
