import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  runTerraform,
  runTerraformAsync,
  type TerraformOptions,
  type TerraformResult as RunnerResult,
} from '../../src/terraform/terraform-runner';

/*
 * Runs the real terraform CLI on synthesized stacks with no network: the AWS provider comes from a
 * filesystem mirror, and an override file gives the provider fake credentials and skips every call
 * to AWS that plan would otherwise make. Nothing here is used by the deployed stacks.
 */

const OFFLINE_OVERRIDE = {
  provider: {
    aws: [
      {
        access_key: 'offline',
        secret_key: 'offline',
        skip_credentials_validation: true,
        skip_requesting_account_id: true,
        // A string in provider 5.x.
        skip_metadata_api_check: 'true',
        skip_region_validation: true,
      },
    ],
  },
  terraform: { backend: { local: { path: 'offline.tfstate' } } },
};

export { offlineTerraform, type OfflineTerraform } from '../../src/terraform/provider-mirror';

export interface TerraformResult extends RunnerResult {
  /** stdout, then stderr. */
  output: string;
}

const withOutput = (result: RunnerResult): TerraformResult => ({ ...result, output: `${result.stdout}${result.stderr}` });

/**
 * A stack in a directory of its own, initialised against the mirror, ready to validate and plan:
 * a synthesized stack (cdk.tf.json), or, with `null`, an empty directory for HCL files to be written
 * into before init. Either way the offline override file is beside it.
 */
export class OfflineStackDir {
  readonly dir: string;

  constructor(
    stackJson: object | null,
    readonly env: NodeJS.ProcessEnv,
  ) {
    this.dir = mkdtempSync(join(tmpdir(), 'switchyard-stack-'));
    if (stackJson) writeFileSync(join(this.dir, 'cdk.tf.json'), JSON.stringify(stackJson, null, 2));
    writeFileSync(join(this.dir, 'offline_override.tf.json'), JSON.stringify(OFFLINE_OVERRIDE, null, 2));
  }

  private options(vars: Record<string, string>): TerraformOptions {
    return { dir: this.dir, env: this.env, vars };
  }

  /** A terraform command here, whatever its exit code (tests judge it). */
  run(args: string[], vars: Record<string, string> = {}): TerraformResult {
    return withOutput(runTerraform(args, { ...this.options(vars), allowFailure: true }));
  }

  /** run(), without blocking, so that independent commands run side by side. */
  async runAsync(args: string[], vars: Record<string, string> = {}): Promise<TerraformResult> {
    return withOutput(await runTerraformAsync(args, { ...this.options(vars), allowFailure: true }));
  }

  /** run(), but a failure throws TerraformError (the command, its exit code and stderr). */
  runOrThrow(args: string[], vars: Record<string, string> = {}): TerraformResult {
    return withOutput(runTerraform(args, this.options(vars)));
  }

  /** Deletes the directory, state and provider links included. */
  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  init(): TerraformResult {
    return this.run(['init', '-input=false', '-backend=true']);
  }

  private plans = 0;

  /**
   * `terraform plan` with the given variables, as the JSON plan representation. Plans may run side
   * by side: each writes its own plan file, and none takes the state lock.
   */
  async plan(vars: Record<string, string> = {}): Promise<PlanJson> {
    const file = `plan-${(this.plans += 1)}.bin`;
    await runTerraformAsync(['plan', '-input=false', '-lock=false', `-out=${file}`], this.options(vars));
    const shown = await runTerraformAsync(['show', '-json', file], this.options({}));
    return JSON.parse(shown.stdout) as PlanJson;
  }
}

export interface PlanJson {
  resource_changes: Array<{
    address: string;
    mode: 'managed' | 'data';
    type: string;
    change: { actions: string[]; after: Record<string, unknown> | null };
  }>;
  output_changes?: Record<string, { after: unknown }>;
}
