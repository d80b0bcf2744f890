import type { SynthesizedStack } from '../stacks/synthesized-stack';

// Synthesized JSON is loosely typed by nature; rules read it defensively.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Block = Record<string, any> & { name: string };

export interface IamStatement {
  document: string;
  sid?: string;
  actions: string[];
  resources: string[];
  principals: Array<{ type: string; identifiers: string[] }>;
  conditions: Array<{ test: string; variable: string; values: string[] }>;
}

/** Read-only helpers over one synthesized stack, for policy rules. */
export class StackView {
  /**
   * @param lifecycleKnown whether the stack shows its lifecycle blocks: a synthesized stack does,
   * a plan (`terraform show -json`) does not, so rules that read them cannot judge a plan.
   */
  constructor(
    readonly name: string,
    readonly json: SynthesizedStack,
    readonly lifecycleKnown = true,
  ) {}

  get production(): boolean {
    return this.name.endsWith('-prod');
  }

  resources(type: string): Block[] {
    return Object.entries(this.json.resource?.[type] ?? {}).map(([name, body]) => ({ ...body, name }));
  }

  /** Container definitions of every task definition, parsed. */
  containers(): Block[] {
    return this.resources('aws_ecs_task_definition').flatMap((task) =>
      (JSON.parse(task.container_definitions as string) as Array<Record<string, unknown>>).map((c) => ({
        ...c,
        name: `${task.name}/${String(c.name)}`,
      })),
    );
  }

  /**
   * The statements of the policies attached to the role a reference names (`${aws_iam_role.<name>.arn}`),
   * followed from the role to its aws_iam_role_policy resources to their policy documents.
   */
  roleStatements(roleReference: string): IamStatement[] {
    const role = /aws_iam_role\.([^.]+)\./.exec(roleReference)?.[1];
    const documents = this.resources('aws_iam_role_policy')
      .filter((policy) => String(policy.role).includes(`aws_iam_role.${role}.`))
      .map((policy) => /data\.aws_iam_policy_document\.([^.]+)\.json/.exec(String(policy.policy))?.[1]);
    return this.iamStatements().filter((statement) => documents.includes(statement.document));
  }

  iamStatements(): IamStatement[] {
    return Object.entries(this.json.data?.aws_iam_policy_document ?? {}).flatMap(([document, body]) =>
      ((body.statement as Array<Record<string, unknown>>) ?? []).map((s) => ({
        document,
        ...(typeof s.sid === 'string' ? { sid: s.sid } : {}),
        actions: (s.actions as string[]) ?? [],
        resources: (s.resources as string[]) ?? [],
        principals: (s.principals as IamStatement['principals']) ?? [],
        conditions: (s.condition as IamStatement['conditions']) ?? [],
      })),
    );
  }
}
