import { spawn, spawnSync, type StdioOptions } from 'node:child_process';

/*
 * The one way the project's code runs the terraform CLI (the scripts, the HCL export, the offline
 * tests). cdktf runs its own terraform; that is not this.
 */

/** What every run gets, and what a caller hands to tools that run terraform themselves (cdktf). */
export const AUTOMATION_ENV = {
  // No "run terraform plan next" advice, no prompts, no version check against checkpoint-api.hashicorp.com.
  TF_IN_AUTOMATION: '1',
  TF_INPUT: '0',
  CHECKPOINT_DISABLE: '1',
} as const;

// `terraform providers schema -json` of the AWS provider alone is about 14 MB.
const MAX_BUFFER = 512 * 1024 * 1024;

export interface TerraformOptions {
  /** The working directory, given to terraform as `-chdir`. @default the current directory */
  dir?: string;
  /** The environment, e.g. `offlineTerraform().env` for the provider mirror. @default process.env */
  env?: NodeJS.ProcessEnv;
  /** Input variables, as `TF_VAR_<name>`. */
  vars?: Record<string, string>;
  /** Written to terraform's stdin (`fmt -`). */
  input?: string;
  /**
   * `inherit` shows terraform's stderr to the user as it comes (progress and errors of a command
   * they asked for), in colour on a terminal; it is then not captured.
   * @default 'capture'
   */
  stderr?: 'capture' | 'inherit';
  /** Return a run that exits non-zero instead of throwing. @default false */
  allowFailure?: boolean;
}

export interface TerraformResult {
  /** For messages: `terraform plan -out=x (in <dir>)`. */
  command: string;
  status: number;
  stdout: string;
  stderr: string;
}

/** terraform could not start, or (unless allowed) exited non-zero. */
export class TerraformError extends Error {
  constructor(
    readonly command: string,
    /** The exit code; undefined when terraform did not start. */
    readonly status: number | undefined,
    readonly stdout: string,
    readonly stderr: string,
    cause?: Error,
  ) {
    super(
      status === undefined
        ? `${command} could not start: ${(cause as NodeJS.ErrnoException | undefined)?.code === 'ENOENT' ? 'the terraform CLI is not on PATH' : cause?.message}`
        : // stdout too: terraform reports some failures there only (`terraform test`, `fmt -check`).
          `${command} failed with exit code ${status}:\n${tail(`${stdout}${stderr}`)}`,
      { cause },
    );
    this.name = 'TerraformError';
  }
}

const TAIL_LINES = 30;

function tail(output: string): string {
  const lines = output.trimEnd().split('\n');
  return (lines.length > TAIL_LINES ? ['…', ...lines.slice(-TAIL_LINES)] : lines).join('\n');
}

function prepare(args: readonly string[], options: TerraformOptions) {
  const { dir, env = process.env, vars = {}, input } = options;
  // Terraform colours its diagnostics even into a pipe: colour is kept only for a terminal that
  // sees them directly. Every command accepts -no-color anywhere in its arguments.
  const colour = options.stderr === 'inherit' && process.stderr.isTTY;
  const argv = [...(dir ? [`-chdir=${dir}`] : []), ...args, ...(colour || args.includes('-no-color') ? [] : ['-no-color'])];
  const varEnv = Object.fromEntries(Object.entries(vars).map(([name, value]) => [`TF_VAR_${name}`, value]));
  return {
    argv,
    env: { ...env, ...AUTOMATION_ENV, ...varEnv },
    stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', options.stderr === 'inherit' ? 'inherit' : 'pipe'] satisfies StdioOptions,
    command: `terraform ${args.join(' ')}${dir ? ` (in ${dir})` : ''}`,
  };
}

function check(result: TerraformResult, options: TerraformOptions): TerraformResult {
  if (result.status !== 0 && !options.allowFailure) throw new TerraformError(result.command, result.status, result.stdout, result.stderr);
  return result;
}

/** Runs terraform to the end. Throws TerraformError when it cannot start or (unless allowed) fails. */
export function runTerraform(args: readonly string[], options: TerraformOptions = {}): TerraformResult {
  const { argv, env, stdio, command } = prepare(args, options);
  const result = spawnSync('terraform', argv, { env, stdio, input: options.input, encoding: 'utf8', maxBuffer: MAX_BUFFER });
  if (result.error) throw new TerraformError(command, undefined, '', '', result.error);
  return check({ command, status: result.status ?? 1, stdout: result.stdout, stderr: result.stderr ?? '' }, options);
}

/**
 * runTerraform without blocking: each command spends much of its time starting the provider, so
 * independent ones side by side finish sooner on two cores than one after the other.
 */
export function runTerraformAsync(args: readonly string[], options: TerraformOptions = {}): Promise<TerraformResult> {
  const { argv, env, stdio, command } = prepare(args, options);
  return new Promise((resolve, reject) => {
    const child = spawn('terraform', argv, { env, stdio });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
    // EPIPE, when terraform exits before reading its input, is already told by its exit code.
    child.stdin?.on('error', () => {});
    child.stdin?.end(options.input);
    child.once('error', (error) => reject(new TerraformError(command, undefined, '', '', error)));
    child.once('close', (code) => {
      const result = {
        command,
        status: code ?? 1,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      };
      try {
        resolve(check(result, options));
      } catch (err) {
        reject(err as Error);
      }
    });
  });
}
