import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HclSchemas } from './render-hcl';

function terraform(args: string[], env: NodeJS.ProcessEnv): string {
  const result = spawnSync('terraform', args, { env, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  if (result.error) throw new Error(`the terraform CLI is needed (${result.error.message})`);
  if (result.status !== 0) throw new Error(`terraform ${args.join(' ')} failed:\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

/** The schemas of an initialised working directory's providers (`terraform providers schema -json`). */
export function schemasOf(dir: string, env: NodeJS.ProcessEnv): HclSchemas {
  return JSON.parse(terraform([`-chdir=${dir}`, 'providers', 'schema', '-json'], env)) as HclSchemas;
}

/**
 * The schemas of the providers a stack requires, at the versions it pins: a working directory of
 * its own under `parent` with only those requirements, initialised without a backend, then removed.
 */
export function providerSchemas(requiredProviders: Record<string, unknown>, parent: string, env: NodeJS.ProcessEnv): HclSchemas {
  const dir = mkdtempSync(join(parent, 'switchyard-schema-'));
  try {
    writeFileSync(join(dir, 'versions.tf.json'), JSON.stringify({ terraform: { required_providers: requiredProviders } }));
    terraform([`-chdir=${dir}`, 'init', '-backend=false', '-input=false', '-no-color'], env);
    return schemasOf(dir, env);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A file in Terraform's canonical format (`terraform fmt -`), as the tool itself writes it. */
export function terraformFmt(content: string, env: NodeJS.ProcessEnv): string {
  const result = spawnSync('terraform', ['fmt', '-no-color', '-'], { env, input: content, encoding: 'utf8' });
  if (result.error) throw new Error(`the terraform CLI is needed (${result.error.message})`);
  if (result.status !== 0) throw new Error(`terraform fmt refused the generated HCL:\n${result.stderr}`);
  return result.stdout;
}
