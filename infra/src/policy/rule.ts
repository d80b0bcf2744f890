import type { SynthesizedStack } from '../stacks/synthesized-stack';
import type { Block, StackView } from './stack-view';

/**
 * A part of a synthesized stack that a breaking example edits in place (a resource, a statement, a
 * container). Untyped on purpose: an example reads as the JSON it breaks.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Editable = any;

export interface PolicyRule {
  /** Stable id, with the AWS Foundational Security Best Practices or checkov control it follows where one exists. */
  readonly id: string;
  readonly reason: string;
  /** One message per violation; empty when the stack complies. */
  check(stack: StackView): string[];
  /**
   * Breaks a compliant stack in exactly the way the rule is about. policy.test.ts applies it to a
   * copy of the compliant prod stack (with HTTPS and an alarm topic, so every rule has something to
   * check) and expects the rule to report it, so no rule can pass vacuously.
   */
  breakingExample(json: SynthesizedStack): void;
}

export const rule = (
  id: string,
  reason: string,
  check: (s: StackView) => string[],
  breakingExample: (json: SynthesizedStack) => unknown,
): PolicyRule => ({ id, reason, check, breakingExample });

/** One message for each block that is not ok. */
export const each = (blocks: Block[], ok: (b: Block) => boolean, message: (b: Block) => string) =>
  blocks.filter((b) => !ok(b)).map(message);

// Helpers for breaking examples, over the synthesized JSON.
export const first = (json: SynthesizedStack, type: string) => Object.values(json.resource![type]!)[0] as Editable;
export const byKey = (json: SynthesizedStack, type: string, key: string, value: unknown) =>
  (Object.values(json.resource![type]!) as Editable[]).find((r) => r[key] === value);
export const editContainer = (json: SynthesizedStack, edit: (c: Editable) => void) => {
  const task = first(json, 'aws_ecs_task_definition');
  const containers = JSON.parse(task.container_definitions);
  edit(containers[0]);
  task.container_definitions = JSON.stringify(containers);
};
export const statements = (json: SynthesizedStack) =>
  (Object.values(json.data!.aws_iam_policy_document!) as Editable[]).flatMap((d) => d.statement);
export const ingress = (json: SynthesizedStack) => Object.values(json.resource!.aws_vpc_security_group_ingress_rule!) as Editable[];
