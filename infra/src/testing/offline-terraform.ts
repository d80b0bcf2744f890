import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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

export { offlineTerraform, type OfflineTerraform } from '../terraform/provider-mirror';

export interface TerraformResult {
  status: number;
  /** stdout and stderr. */
  output: string;
  stdout: string;
}

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

  private command(args: string[], vars: Record<string, string>): [string[], NodeJS.ProcessEnv] {
    const varEnv = Object.fromEntries(Object.entries(vars).map(([k, v]) => [`TF_VAR_${k}`, v]));
    return [[`-chdir=${this.dir}`, ...args, '-no-color'], { ...this.env, ...varEnv }];
  }

  run(args: string[], vars: Record<string, string> = {}): TerraformResult {
    const [argv, env] = this.command(args, vars);
    const result = spawnSync('terraform', argv, { env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    return { status: result.status ?? 1, output: `${result.stdout}${result.stderr}`, stdout: result.stdout };
  }

  /**
   * run(), without blocking: each terraform command spends much of its time starting the provider,
   * so independent commands side by side finish sooner on two cores than one after the other.
   */
  runAsync(args: string[], vars: Record<string, string> = {}): Promise<TerraformResult> {
    const [argv, env] = this.command(args, vars);
    return new Promise((resolve, reject) => {
      const child = spawn('terraform', argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
      child.once('error', reject);
      child.once('close', (code) => {
        const out = Buffer.concat(stdout).toString('utf8');
        resolve({ status: code ?? 1, output: `${out}${Buffer.concat(stderr).toString('utf8')}`, stdout: out });
      });
    });
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
    const planned = await this.runAsync(['plan', '-input=false', '-lock=false', `-out=${file}`], vars);
    if (planned.status !== 0) throw new Error(`terraform plan failed:\n${planned.output}`);
    const shown = await this.runAsync(['show', '-json', file]);
    if (shown.status !== 0) throw new Error(`terraform show failed:\n${shown.output}`);
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
