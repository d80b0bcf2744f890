import { Testing } from 'cdktf';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { EnvironmentConfig } from '../../src/config/environments';
import { ServiceStack } from '../../src/stacks/service-stack';
import type { SynthesizedStack } from '../../src/stacks/synthesized-stack';

export const REPOSITORY_ROOT = join(__dirname, '..', '..', '..');

/** A stack of the app, in a test app of its own, from a fixed source hash. */
function testStack(environment: EnvironmentConfig): ServiceStack {
  return new ServiceStack(Testing.app(), `switchyard-${environment.name}`, {
    environment,
    sourceHash: 'f'.repeat(64),
    repositoryRoot: REPOSITORY_ROOT,
  });
}

/** The stack as cdktf's Testing.synth gives it, parsed: what `cdktf synth` writes, keys sorted and metadata left out. */
export function synthStack(environment: EnvironmentConfig): SynthesizedStack {
  return JSON.parse(Testing.synth(testStack(environment))) as SynthesizedStack;
}

/**
 * The stack as `cdktf synth` writes cdk.tf.json, keys in their order and each block's metadata
 * (its construct path) kept: what `pnpm infra:hcl` converts.
 */
export function synthStackAsWritten(environment: EnvironmentConfig): SynthesizedStack {
  const stack = testStack(environment);
  const outdir = Testing.fullSynth(stack);
  try {
    return JSON.parse(readFileSync(join(outdir, 'stacks', stack.node.id, 'cdk.tf.json'), 'utf8')) as SynthesizedStack;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** Every resource of one type, by its logical name. */
export function resourcesOf(stack: SynthesizedStack, type: string): Array<Record<string, unknown> & { name: string }> {
  return Object.entries(stack.resource?.[type] ?? {}).map(([name, body]) => ({ ...body, name }));
}

/** The address (type.name) of the one resource of `type` whose name contains `namePart`. */
export function addressOf(stack: SynthesizedStack, type: string, namePart = ''): string {
  const names = Object.keys(stack.resource?.[type] ?? {}).filter((name) => name.includes(namePart));
  if (names.length !== 1) throw new Error(`expected one ${type} named *${namePart}*, found ${names.length}`);
  return `${type}.${names[0]}`;
}
