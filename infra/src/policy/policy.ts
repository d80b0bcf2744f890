import { CLOUDWATCH_RULES } from './rules/cloudwatch';
import { DYNAMODB_RULES } from './rules/dynamodb';
import { EC2_RULES } from './rules/ec2';
import { ECR_RULES } from './rules/ecr';
import { ECS_RULES } from './rules/ecs';
import { ELB_RULES } from './rules/elb';
import { IAM_RULES } from './rules/iam';
import { LAMBDA_RULES } from './rules/lambda';
import { LOGS_RULES } from './rules/logs';
import { SNS_RULES } from './rules/sns';
import type { PolicyRule } from './rule';
import type { StackView } from './stack-view';
import { WAIVERS, type Waiver } from './waivers';

/** Every rule, one file per AWS service under rules/. */
export const RULES: PolicyRule[] = [
  ...ECR_RULES,
  ...ECS_RULES,
  ...ELB_RULES,
  ...IAM_RULES,
  ...LOGS_RULES,
  ...EC2_RULES,
  ...LAMBDA_RULES,
  ...DYNAMODB_RULES,
  ...CLOUDWATCH_RULES,
  ...SNS_RULES,
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
