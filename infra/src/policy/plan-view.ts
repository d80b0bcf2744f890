import { findSchema, type HclSchemas, type SchemaBlock } from '../hcl/render-hcl';
import type { Json, JsonObject, SynthesizedStack } from '../stacks/synthesized-stack';

/*
 * A stack as the policy rules read it, rebuilt from a plan (`terraform show -json`) instead of the
 * synthesized JSON: so the same rules hold a stack that is no longer synthesized, such as the HCL
 * a team keeps after leaving CDKTF.
 *
 * A plan has each argument's expression (a constant, or only the names it references) and its
 * planned value. The rules compare references, so an argument that is exactly a reference is
 * written back as `${reference}`, and a referenced value inside a larger one (an ARN in a policy
 * statement, a table name in a container definition) is written back as its reference too.
 * A plan has no lifecycle blocks; rules that read them say so through `lifecycleKnown`.
 */

/**
 * What a plan cannot show a rule: lifecycle blocks. SWY-ECS-DESIRED reads only ignore_changes, so a
 * plan leaves it blind; SWY-SWITCH-ORDER's create_before_destroy part is unseen too, but its
 * depends_on part still catches its break.
 */
export const BLIND_FROM_A_PLAN = {
  rules: ['SWY-ECS-DESIRED'],
  said: 'SWY-ECS-DESIRED (ignore_changes) and the create_before_destroy part of SWY-SWITCH-ORDER',
} as const;

type Expression = { constant_value?: Json; references?: string[] };
type Expressions = Record<string, Expression | Array<Record<string, Expression | unknown>>>;

interface PlanResource {
  address: string;
  mode: 'managed' | 'data';
  type: string;
  name: string;
  values?: Record<string, Json>;
}

interface ConfigResource extends Omit<PlanResource, 'values'> {
  expressions?: Expressions;
  depends_on?: string[];
  provisioners?: Array<{ type: string; expressions?: Expressions }>;
}

export interface PlanWithConfiguration {
  planned_values: { root_module: { resources?: PlanResource[] } };
  prior_state?: { values?: { root_module?: { resources?: PlanResource[] } } };
  configuration: { root_module: { resources?: ConfigResource[] } };
}

/** A JSON document in a canonical form: keys sorted, and lists too (IAM and the provider reorder them). */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, canonical(v)]),
    );
  return value;
}

const parsed = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/**
 * Whether a planned value is the referenced one: equal, or the same JSON document written another
 * way (a role policy holds a policy document's JSON as the provider normalised it).
 */
function sameValue(resolved: Json | undefined, planned: Json): boolean {
  if (resolved === planned) return true;
  if (typeof resolved !== 'string' || typeof planned !== 'string') return false;
  const [a, b] = [parsed(resolved), parsed(planned)];
  return typeof a === 'object' && a !== null && JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

const configAddress = (r: PlanResource) => `${r.mode === 'data' ? 'data.' : ''}${r.type}.${r.name}`;

/**
 * The planned element of each configured block of a set. A plan lists a set's elements in
 * Terraform's own order, not the configuration's, so a block is matched to the element whose
 * values agree with all of its constant arguments (an alarm's metric queries by their ids); a block
 * with no constant keeps its position.
 */
function setElements(blocks: Expressions[], planned: Json[]): Array<Json | undefined> {
  const free = new Set(planned.keys());
  return blocks.map((block, i) => {
    const constants = Object.entries(block).filter(
      (entry): entry is [string, Expression] => !Array.isArray(entry[1]) && 'constant_value' in (entry[1] as Expression),
    );
    const agrees = (j: number) => {
      const element = planned[j];
      if (!element || typeof element !== 'object' || Array.isArray(element)) return false;
      return constants.every(([key, e]) => JSON.stringify(element[key]) === JSON.stringify(e.constant_value));
    };
    const match = constants.length ? [...free].find(agrees) : undefined;
    if (match === undefined) return planned[i];
    free.delete(match);
    return planned[match];
  });
}

/**
 * The plan's stack, and the values it could not rebuild (resource.attribute): known only after apply
 * and built from several references, so no reference can stand in for them.
 */
export function stackJsonFromPlan(plan: PlanWithConfiguration, schemas: HclSchemas): { json: SynthesizedStack; unknown: string[] } {
  const values = new Map<string, Record<string, Json>>();
  for (const r of [...(plan.planned_values.root_module.resources ?? []), ...(plan.prior_state?.values?.root_module?.resources ?? [])])
    if (r.values && !values.has(configAddress(r))) values.set(configAddress(r), r.values);

  /** The value a reference such as aws_iam_role.x.arn or data.aws_iam_policy_document.y.json names, when known. */
  const resolve = (reference: string): Json | undefined => {
    const parts = reference.split('.');
    const [address, attribute] = parts[0] === 'data' ? [parts.slice(0, 3).join('.'), parts[3]] : [parts.slice(0, 2).join('.'), parts[2]];
    return attribute && /^(data\.)?(aws|terraform)_/.test(address) ? values.get(address)?.[attribute.replace(/\[.*$/, '')] : undefined;
  };

  const substitute = (value: Json, references: string[]): Json => {
    if (typeof value === 'string') {
      const known = references
        .map((reference) => [reference, resolve(reference)] as const)
        .filter((pair): pair is readonly [string, string] => typeof pair[1] === 'string' && pair[1].length >= 6)
        .sort((a, b) => b[1].length - a[1].length);
      return known.reduce((text, [reference, resolved]) => text.split(resolved).join(`\${${reference}}`), value);
    }
    if (Array.isArray(value)) return value.map((item) => substitute(item, references));
    if (value && typeof value === 'object')
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, references)]));
    return value;
  };

  const unknown: string[] = [];
  /** `path` names the argument for the report; none where no value is planned at all (see body). */
  const argument = (expression: Expression, planned: Json | undefined, path: string | undefined): Json | undefined => {
    if ('constant_value' in expression) return expression.constant_value!;
    const references = expression.references ?? [];
    if (!references.length) return planned;
    if (planned === undefined || planned === null) {
      // Known only after apply. A value that names one attribute (a role policy's document, an
      // ARN) stands in as that reference, the form the synthesized stack has; one built from
      // several (a container definition) cannot, and is reported.
      const attributes = references.filter(
        (reference) => !references.some((other) => other.startsWith(`${reference}.`) || other.startsWith(`${reference}[`)),
      );
      if (attributes.length !== 1 && path) unknown.push(path);
      return `\${${references[0]}}`;
    }
    const exact = references.find((reference) => sameValue(resolve(reference), planned));
    return exact ? `\${${exact}}` : substitute(planned, references);
  };

  // Nested blocks as the synthesized JSON writes them: a block type that allows one block is an
  // object, any other a list. Without a path, nothing in the body is planned (a resource with no
  // instance, a provisioner), so nothing is missing from it either.
  const body = (
    expressions: Expressions | undefined,
    planned: Record<string, Json> | undefined,
    schema: SchemaBlock | undefined,
    path: string | undefined,
  ): Record<string, Json> => {
    const out: Record<string, Json> = {};
    for (const [key, expression] of Object.entries(expressions ?? {})) {
      const plannedValue = planned?.[key];
      let value: Json | undefined;
      if (Array.isArray(expression)) {
        const nested = schema?.block_types?.[key];
        const plannedBlocks = Array.isArray(plannedValue)
          ? nested?.nesting_mode === 'set'
            ? setElements(expression as Expressions[], plannedValue)
            : plannedValue
          : [];
        const blocks = expression.map((block, i) =>
          body(block as Expressions, plannedBlocks[i] as Record<string, Json>, nested?.block, path && `${path}.${key}[${i}]`),
        );
        value = nested?.max_items === 1 || nested?.nesting_mode === 'single' ? (blocks[0] ?? null) : blocks;
      } else value = argument(expression, plannedValue, path && `${path}.${key}`);
      if (value !== undefined) out[key] = value;
    }
    return out;
  };

  const resource: Record<string, Record<string, JsonObject>> = {};
  const data: Record<string, Record<string, JsonObject>> = {};
  const stack: SynthesizedStack = { resource, data, variable: {}, output: {}, terraform: {}, provider: {} };
  for (const r of plan.configuration.root_module.resources ?? []) {
    const schema = findSchema(schemas, r.mode === 'data' ? 'data_source_schemas' : 'resource_schemas', r.type);
    // A resource with no instance (count = 0) has no planned values, and none are missing.
    const planned = values.get(configAddress(r));
    const content = body(r.expressions, planned, schema, planned && r.address);
    if (r.depends_on?.length) content.depends_on = r.depends_on;
    if (r.provisioners?.length) {
      // A provisioner's arguments are never planned values: its references stay references.
      content.provisioner = r.provisioners.map((p) => ({ [p.type]: body(p.expressions, undefined, undefined, undefined) }));
    }
    const group = r.mode === 'data' ? data : resource;
    (group[r.type] ??= {})[r.name] = content;
  }
  return { json: stack, unknown };
}
