import { createHash } from 'node:crypto';
import type { Json, SynthesizedStack } from '../../src/stacks/synthesized-stack';

/*
 * A Terraform state (format 4) as if a plan had been applied, built offline from that plan: the
 * planned values, with every value only known after apply filled in by type, the dependencies
 * Terraform would record, and the create_before_destroy flags. Planning the next apply against it
 * shows what a real stack would do in a transition, including the order, through `terraform graph`.
 */

type AttributeType = string | [string, AttributeType] | [string, Record<string, AttributeType>];

interface SchemaBlock {
  attributes?: Record<string, { type?: AttributeType; nested_type?: unknown }>;
  block_types?: Record<string, { nesting_mode: 'list' | 'set' | 'single' | 'map'; block: SchemaBlock }>;
}

export interface ProviderSchemas {
  provider_schemas: Record<string, { resource_schemas?: Record<string, { version: number; block: SchemaBlock }> }>;
}

interface PlannedResource {
  address: string;
  mode: 'managed' | 'data';
  type: string;
  name: string;
  index?: number | string;
  provider_name: string;
  schema_version: number;
  values: Record<string, Json>;
}

export interface PlanForState {
  planned_values: { root_module: { resources?: PlannedResource[] } };
  resource_changes: Array<{ address: string; change: { actions: string[]; after_unknown?: Json } }>;
}

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';

const ARN_SERVICE: Array<[RegExp, string]> = [
  [/^aws_lb/, 'elasticloadbalancing'],
  [/^aws_ecs/, 'ecs'],
  [/^aws_lambda/, 'lambda'],
  [/^aws_iam/, 'iam'],
  [/^aws_ecr/, 'ecr'],
  [/^aws_cloudwatch_log/, 'logs'],
  [/^aws_cloudwatch/, 'cloudwatch'],
  [/^aws_sns/, 'sns'],
  [/^aws_appautoscaling/, 'application-autoscaling'],
];

function fakeString(type: string, name: string, attribute: string): string {
  const short = createHash('sha256').update(`${type}.${name}.${attribute}`).digest('hex').slice(0, 12);
  if (attribute === 'arn' || attribute.endsWith('_arn') || attribute === 'qualified_arn') {
    const service = ARN_SERVICE.find(([pattern]) => pattern.test(type))?.[1] ?? 'ec2';
    return `arn:aws:${service}:${REGION}:${ACCOUNT}:${type.replace(/^aws_/, '')}/${name}/${short}`;
  }
  if (attribute === 'arn_suffix')
    return type === 'aws_lb_target_group' ? `targetgroup/${name.slice(0, 32)}/${short}` : `app/${name.slice(0, 32)}/${short}`;
  return `${type.replace(/^aws_/, '').replace(/_/g, '-')}-${short}`;
}

// Values the provider would have read back, where a made-up one would make it plan a replacement.
const READ_BACK: Record<string, Json> = {
  protocol_version: 'HTTP1',
  ip_address_type: 'ipv4',
  load_balancing_algorithm_type: 'round_robin',
  load_balancing_anomaly_mitigation: 'off',
  load_balancing_cross_zone_enabled: 'use_load_balancer_configuration',
  preserve_client_ip: null,
};

// What a healthy stack's resources answered, where the configuration checks the answer.
const ANSWERED: Record<string, Record<string, Json>> = {
  aws_lambda_invocation: { result: JSON.stringify({ statusCode: 200, body: '{"status":"ok"}' }) },
};

function zeroOf(type: AttributeType | undefined, resourceType: string, name: string, attribute: string): Json {
  const answered = ANSWERED[resourceType]?.[attribute];
  if (answered !== undefined) return answered;
  if (attribute in READ_BACK) return READ_BACK[attribute]!;
  if (type === 'string') return fakeString(resourceType, name, attribute);
  if (type === 'number') return 0;
  if (type === 'bool') return false;
  if (Array.isArray(type) && (type[0] === 'list' || type[0] === 'set')) return [];
  if (Array.isArray(type) && type[0] === 'map') return {};
  return null;
}

/** Replaces every value marked unknown in `unknown` with a plausible known one of the schema's type. */
function fillUnknown(value: Json, unknown: Json | undefined, block: SchemaBlock | undefined, type: string, name: string): Json {
  if (unknown === undefined || unknown === false || unknown === null) return value;
  if (typeof value !== 'object' || value === null || Array.isArray(value) || typeof unknown !== 'object' || Array.isArray(unknown))
    return value;
  const filled: Record<string, Json> = { ...value };
  for (const [key, marker] of Object.entries(unknown)) {
    const attribute = block?.attributes?.[key];
    const nested = block?.block_types?.[key];
    if (marker === true) {
      if (attribute) filled[key] = zeroOf(attribute.type, type, name, key);
      else if (nested) filled[key] = nested.nesting_mode === 'single' ? null : [];
      else filled[key] = fakeString(type, name, key);
    } else if (Array.isArray(marker) && Array.isArray(filled[key])) {
      filled[key] = (filled[key] as Json[]).map((item, i) => fillUnknown(item, marker[i], nested?.block, type, name));
    } else if (typeof marker === 'object' && marker !== null && nested) {
      filled[key] = fillUnknown(filled[key] ?? {}, marker, nested.block, type, name);
    }
  }
  return filled;
}

/** A value's type as Terraform writes it beside a dynamically-typed attribute in state. */
function typeOf(value: Json): AttributeType {
  if (typeof value === 'string') return 'string';
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'bool';
  if (Array.isArray(value)) return ['tuple', value.map(typeOf)] as unknown as AttributeType;
  if (value === null) return 'dynamic';
  return ['object', Object.fromEntries(Object.entries(value).map(([k, v]) => [k, typeOf(v)]))];
}

/** State stores a dynamically-typed attribute (terraform_data's input and triggers) with its type. */
function encodeDynamic(attributes: Json, block: SchemaBlock | undefined): Json {
  if (!attributes || typeof attributes !== 'object' || Array.isArray(attributes)) return attributes;
  const encoded: Record<string, Json> = { ...attributes };
  for (const [key, attribute] of Object.entries(block?.attributes ?? {})) {
    if (attribute.type === 'dynamic' && encoded[key] != null) encoded[key] = { value: encoded[key]!, type: typeOf(encoded[key]!) as Json };
  }
  return encoded;
}

const REFERENCE = /\b((?:data\.)?(?:aws|terraform)_[a-z0-9_]+\.[A-Za-z0-9_-]+)/g;
const LOCAL_REFERENCE = /\blocal\.([A-Za-z0-9_-]+)/g;

/** Direct references of every resource and data source, with locals followed to what they reference. */
function directDependencies(config: SynthesizedStack): Map<string, Set<string>> {
  const known = new Set<string>();
  const bodies = new Map<string, unknown>();
  for (const [type, byName] of Object.entries(config.resource ?? {}))
    for (const [name, body] of Object.entries(byName)) {
      known.add(`${type}.${name}`);
      bodies.set(`${type}.${name}`, body);
    }
  for (const [type, byName] of Object.entries(config.data ?? {}))
    for (const [name, body] of Object.entries(byName)) {
      known.add(`data.${type}.${name}`);
      bodies.set(`data.${type}.${name}`, body);
    }
  const refsOf = (text: string, seenLocals: Set<string>): string[] => {
    const refs = [...text.matchAll(REFERENCE)].map((m) => m[1]!).filter((r) => known.has(r));
    for (const [, local] of text.matchAll(LOCAL_REFERENCE)) {
      if (seenLocals.has(local!)) continue;
      seenLocals.add(local!);
      refs.push(...refsOf(JSON.stringify(config.locals?.[local!] ?? null), seenLocals));
    }
    return refs;
  };
  const direct = new Map<string, Set<string>>();
  for (const [address, body] of bodies) {
    const { lifecycle: _lifecycle, provisioner: _provisioner, ...rest } = body as Record<string, unknown>;
    direct.set(address, new Set(refsOf(JSON.stringify(rest), new Set()).filter((r) => r !== address)));
  }
  return direct;
}

function closure(direct: Map<string, Set<string>>, start: string): Set<string> {
  const seen = new Set<string>();
  const stack = [...(direct.get(start) ?? [])];
  while (stack.length) {
    const next = stack.pop()!;
    if (seen.has(next)) continue;
    seen.add(next);
    stack.push(...(direct.get(next) ?? []));
  }
  return seen;
}

/** The state Terraform would hold after applying `plan` of the stack `config`. */
export function priorStateFrom(plan: PlanForState, config: SynthesizedStack, schemas: ProviderSchemas): object {
  const direct = directDependencies(config);
  const dependencies = new Map([...direct.keys()].map((address) => [address, closure(direct, address)]));
  const declaredCbd = new Set<string>();
  for (const [type, byName] of Object.entries(config.resource ?? {}))
    for (const [name, body] of Object.entries(byName))
      if ((body.lifecycle as { create_before_destroy?: boolean } | undefined)?.create_before_destroy) declaredCbd.add(`${type}.${name}`);
  // Terraform carries create_before_destroy onto everything such a resource depends on.
  const cbd = (address: string) => declaredCbd.has(address) || [...declaredCbd].some((other) => dependencies.get(other)?.has(address));

  const unknownByAddress = new Map(plan.resource_changes.map((r) => [r.address, r.change.after_unknown]));
  const grouped = new Map<string, { resource: PlannedResource; instances: object[] }>();
  for (const resource of plan.planned_values.root_module.resources ?? []) {
    if (resource.mode !== 'managed') continue;
    const configAddress = `${resource.type}.${resource.name}`;
    const schema = schemas.provider_schemas[resource.provider_name]?.resource_schemas?.[resource.type];
    const attributes = fillUnknown(resource.values, unknownByAddress.get(resource.address), schema?.block, resource.type, resource.name);
    if (attributes && typeof attributes === 'object' && !Array.isArray(attributes) && attributes.id == null) {
      attributes.id =
        /^aws_lb/.test(resource.type) && typeof attributes.arn === 'string'
          ? attributes.arn
          : fakeString(resource.type, resource.name, 'id');
    }
    const entry = grouped.get(configAddress) ?? { resource, instances: [] };
    entry.instances.push({
      ...(resource.index !== undefined ? { index_key: resource.index } : {}),
      schema_version: resource.schema_version,
      attributes: encodeDynamic(attributes, schema?.block),
      sensitive_attributes: [],
      dependencies: [...(dependencies.get(configAddress) ?? [])].filter((d) => !d.startsWith('data.')).sort(),
      ...(cbd(configAddress) ? { create_before_destroy: true } : {}),
    });
    grouped.set(configAddress, entry);
  }

  return {
    version: 4,
    terraform_version: '1.11.4',
    serial: 1,
    lineage: '00000000-0000-4000-8000-000000000000',
    outputs: {},
    resources: [...grouped.values()].map(({ resource, instances }) => ({
      mode: 'managed',
      type: resource.type,
      name: resource.name,
      ...(resource.index !== undefined ? { each: typeof resource.index === 'number' ? 'list' : 'map' } : {}),
      provider:
        resource.provider_name === 'terraform.io/builtin/terraform'
          ? 'provider["terraform.io/builtin/terraform"]'
          : `provider["${resource.provider_name}"]`,
      instances,
    })),
    check_results: null,
  };
}
