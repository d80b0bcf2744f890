import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runTerraform, TerraformError } from '../terraform/terraform-runner';
import type { HclSchemas } from './render-hcl';

/** The schemas of an initialised working directory's providers (`terraform providers schema -json`). */
export function schemasOf(dir: string, env: NodeJS.ProcessEnv): HclSchemas {
  return JSON.parse(runTerraform(['providers', 'schema', '-json'], { dir, env }).stdout) as HclSchemas;
}

/**
 * The schemas of the providers a stack requires, at the versions it pins: a working directory of
 * its own under `parent` with only those requirements, initialised without a backend, then removed.
 */
export function providerSchemas(requiredProviders: Record<string, unknown>, parent: string, env: NodeJS.ProcessEnv): HclSchemas {
  const dir = mkdtempSync(join(parent, 'switchyard-schema-'));
  try {
    writeFileSync(join(dir, 'versions.tf.json'), JSON.stringify({ terraform: { required_providers: requiredProviders } }));
    runTerraform(['init', '-backend=false', '-input=false'], { dir, env });
    return schemasOf(dir, env);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A file in Terraform's canonical format (`terraform fmt -`), as the tool itself writes it. */
export function terraformFmt(content: string, env: NodeJS.ProcessEnv): string {
  try {
    return runTerraform(['fmt', '-'], { env, input: content }).stdout;
  } catch (err) {
    if (err instanceof TerraformError && err.status !== undefined)
      throw new Error(`terraform fmt refused the generated HCL:\n${err.stderr}`, { cause: err });
    throw err;
  }
}
