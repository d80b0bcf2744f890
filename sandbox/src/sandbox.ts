import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { imageSourceHash } from '@switchyard/infra/image-source';
import { LOCAL_AWS_VARIABLE, SANDBOX_DIR_VARIABLE } from '@switchyard/infra/local-aws';
import { findProviderMirror, offlineCliConfig, AWS_PROVIDER_VERSION } from '@switchyard/infra/provider-mirror';
import { runTerraformAsync, type TerraformResult } from '@switchyard/infra/terraform-runner';
import { DynamoDBClient, ListTablesCommand, UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeLoadBalancersCommand,
  ElasticLoadBalancingV2Client,
  ModifyLoadBalancerAttributesCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { findRegistry } from './compute/oci-registry';
import { formatRuleDelay, readRuleDelay, writeRuleDelay, type RuleDelay } from './data-plane/rule-delay';
import {
  localAwsEnvironment,
  readDaemonState,
  REPOSITORY_ROOT,
  SANDBOX_CREDENTIALS,
  SANDBOX_DIR,
  SANDBOX_LABEL,
  SANDBOX_REGION,
  type DaemonState,
} from './sandbox-state';

/** Terraform's closing line of an apply ("Apply complete! Resources: ..."), from a command's output. */
export function applySummary(output: string): string {
  // eslint-disable-next-line no-control-regex
  const plain = output.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
  return /Apply complete! Resources: [^\n]*/.exec(plain)?.[0]?.trim() ?? '';
}

/** A failure the user can act on: printed as it is, without a stack trace. */
export class SandboxError extends Error {}

const CDKTF = join(REPOSITORY_ROOT, 'node_modules', '.bin', 'cdktf');
const DEPLOYED_FILE = 'deployed.json';
const IMAGE_FILE = 'image-uri';
const DAEMON_START_TIMEOUT_MS = 90_000;
/** How long the local AWS has to stop on SIGTERM before it is killed. */
const DAEMON_STOP_TIMEOUT_MS = 10_000;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export interface CommandResult {
  status: number;
  stdout: string;
  stderr: string;
}

export interface UpOptions {
  /** Deploy this image reference instead of building docker/Dockerfile. */
  imageUri?: string;
  /** Run the built bundles as processes even where podman could run the image. @default false */
  bundles?: boolean;
  /** How late listener rule changes reach the load balancer; also changes a running sandbox's. @default 0-20 s */
  ruleDelay?: RuleDelay;
}

/** Why the image cannot run here, or undefined when podman and a registry can serve it. */
export function whyNoImage(): string | undefined {
  if (spawnSync('podman', ['--version']).error) return 'podman is not installed';
  if (!findRegistry()) return 'the distribution registry (docker-registry) is not installed';
  return undefined;
}

export interface SandboxOptions {
  /** Where the sandbox keeps its state, logs and synthesized stacks. @default SWITCHYARD_SANDBOX_DIR, else .local/sandbox */
  dir?: string;
  /** Where cdktf and terraform print. @default this process's stdout and stderr */
  stdio?: 'inherit' | 'pipe';
}

/** One sandbox: its local AWS, and the stacks deployed into it. */
export class Sandbox {
  readonly dir: string;
  /** Where cdktf writes the stacks and their state (cdktfOutputDir in infra agrees). */
  readonly outputDir: string;
  private readonly stdio: 'inherit' | 'pipe';

  constructor(options: SandboxOptions = {}) {
    this.dir = resolve(REPOSITORY_ROOT, options.dir ?? (process.env[SANDBOX_DIR_VARIABLE] || SANDBOX_DIR));
    this.outputDir = join(this.dir, 'cdktf.out');
    this.stdio = options.stdio ?? 'inherit';
  }

  /** The local AWS, when it runs. */
  running(): DaemonState | undefined {
    const state = readDaemonState(this.dir);
    return state && alive(state.pid) ? state : undefined;
  }

  deployed(): string[] {
    const file = join(this.dir, DEPLOYED_FILE);
    return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as string[]) : [];
  }

  private setDeployed(environments: string[]): void {
    writeFileSync(join(this.dir, DEPLOYED_FILE), JSON.stringify([...new Set(environments)].sort()));
  }

  /**
   * The variables every command aimed at the sandbox needs: the switch, the provider mirror, the
   * AWS CLI's endpoint, and the image the stacks were deployed with, so a flip keeps it.
   */
  environment(state: DaemonState): NodeJS.ProcessEnv {
    const imageFile = join(this.dir, IMAGE_FILE);
    return {
      ...(existsSync(imageFile) ? { TF_VAR_image_uri: readFileSync(imageFile, 'utf8') } : {}),
      // The deploy's push-image.sh pushes to the loopback registry that stands in for ECR's.
      ...(state.registry ? { SWITCHYARD_REGISTRY_ENDPOINT: state.registry, CONTAINER_ENGINE: 'podman' } : {}),
      [LOCAL_AWS_VARIABLE]: state.endpoint,
      [SANDBOX_DIR_VARIABLE]: this.dir,
      TF_CLI_CONFIG_FILE: join(this.dir, 'terraform.rc'),
      CHECKPOINT_DISABLE: '1',
      ...localAwsEnvironment(state.endpoint),
    };
  }

  shellEnvironment(): string {
    const state = this.running();
    if (!state) throw new SandboxError('the sandbox is not running: pnpm sandbox up');
    return Object.entries(this.environment(state))
      .map(([name, value]) => `export ${name}=${JSON.stringify(value)}`)
      .join('\n');
  }

  /**
   * How late listener rule changes reach the load balancers, from now on: the data plane reads it
   * at each change, so a running sandbox takes a new one without a restart.
   */
  setRuleDelay(delay: RuleDelay): void {
    mkdirSync(this.dir, { recursive: true });
    writeRuleDelay(this.dir, delay);
  }

  /** Starts the local AWS, detached from this process so it outlives it, unless it already runs. */
  async start(mode: 'podman' | 'process'): Promise<DaemonState> {
    const running = this.running();
    if (running) return running;
    mkdirSync(this.dir, { recursive: true });
    rmSync(join(this.dir, 'local-aws.json'), { force: true });
    const mirror = findProviderMirror();
    if (!mirror)
      throw new SandboxError(
        `no filesystem mirror holds the AWS provider ${AWS_PROVIDER_VERSION}, and the Terraform registry may be out of reach; set SWITCHYARD_TF_MIRROR`,
      );
    writeFileSync(join(this.dir, 'terraform.rc'), offlineCliConfig(mirror));
    const log = openSync(join(this.dir, 'local-aws.log'), 'a');
    // Its own process group: `down` stops it and everything it started with one signal.
    const daemon = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'daemon.ts'), this.dir, mode], {
      cwd: join(__dirname, '..'),
      detached: true,
      stdio: ['ignore', log, log],
    });
    closeSync(log);
    daemon.unref();
    let exited = false;
    daemon.once('exit', () => (exited = true));
    const deadline = Date.now() + DAEMON_START_TIMEOUT_MS;
    while (Date.now() < deadline && !exited) {
      const state = readDaemonState(this.dir);
      if (state && state.pid === daemon.pid) return state;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    if (!exited) process.kill(-daemon.pid!, 'SIGKILL');
    const tail = readFileSync(join(this.dir, 'local-aws.log'), 'utf8').split('\n').slice(-15).join('\n');
    throw new SandboxError(`the local AWS did not start:\n${tail}`);
  }

  /** Runs a command from the repository root; it does not block, so sandboxes side by side run at once. */
  run(command: string, args: string[], env: NodeJS.ProcessEnv, stdio = this.stdio): Promise<CommandResult> {
    return new Promise((done, fail) => {
      const child = spawn(command, args, {
        cwd: REPOSITORY_ROOT,
        env: { ...process.env, ...env },
        stdio: stdio === 'inherit' ? 'inherit' : ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.once('error', fail);
      child.once('close', (status) => done({ status: status ?? 1, stdout, stderr }));
    });
  }

  /** Where one environment's stack is synthesized, with its state. */
  stackDir(environment: string): string {
    return join(this.outputDir, 'stacks', `switchyard-${environment}`);
  }

  /** Starts the local AWS if needed and deploys one environment's stack into it with `cdktf deploy`. */
  async up(environment: string, options: UpOptions = {}): Promise<{ outputs: Record<string, unknown>; applied: string }> {
    // Invoke and RunTask run the built bundles (as processes, or inside the image the deploy builds).
    const build = await this.run('pnpm', ['--filter', '@switchyard/api', 'build'], {}, 'pipe');
    if (build.status !== 0) throw new SandboxError(`the api's build failed:\n${build.stdout}${build.stderr}`);
    const noImage = options.bundles ? '--bundles was given' : whyNoImage();
    if (options.ruleDelay) this.setRuleDelay(options.ruleDelay);
    const state = await this.start(noImage ? 'process' : 'podman');
    const env = this.environment(state);
    this.say(
      `local AWS at ${state.endpoint} (moto's server behind the fidelity layer); ` +
        (state.mode === 'podman'
          ? `the deploy builds docker/Dockerfile and pushes it to the registry at ${state.registry}; Invoke and RunTask run that image under podman`
          : `tasks and functions run as the built bundles, as processes (${noImage ?? 'the sandbox was started so'}); the stack names a prebuilt image reference`),
    );
    const imageUri = options.imageUri ?? (state.mode === 'process' ? this.prebuiltImage() : undefined);
    if (imageUri) writeFileSync(join(this.dir, IMAGE_FILE), imageUri);
    const stack = `switchyard-${environment}`;
    const synth = await this.run(CDKTF, ['synth', '--output', this.outputDir], env);
    if (synth.status !== 0) throw new SandboxError(`cdktf synth failed${this.stdio === 'pipe' ? `:\n${synth.stderr}` : ''}`);
    // With no lock file, cdktf asks the Terraform registry to lock the providers; init against the mirror writes one.
    await this.terraform(environment, ['init'], env);
    this.setDeployed([...this.deployed(), environment]);
    const deploy = await this.run(CDKTF, ['deploy', stack, '--auto-approve', '--output', this.outputDir], this.environment(state));
    if (deploy.status !== 0)
      throw new SandboxError(
        `cdktf deploy ${stack} failed; pnpm sandbox down removes what it made${this.stdio === 'pipe' ? `:\n${deploy.stdout}${deploy.stderr}` : ''}`,
      );
    const outputs = await this.outputs(environment);
    this.say(`${stack} is deployed into the sandbox:`);
    for (const [name, value] of Object.entries(outputs)) this.say(`  ${name} = ${JSON.stringify(value)}`);
    this.say(`Point pnpm flip, pnpm cdktf and the AWS CLI at it with: eval "$(pnpm -s sandbox env)"`);
    return { outputs, applied: applySummary(deploy.stdout) };
  }

  /**
   * The image reference deployed when the image is not built and pushed: it names the sources'
   * hash, so changed code is a new image to Terraform, and the bundles that run are those sources.
   */
  private prebuiltImage(): string {
    return `localhost/switchyard:bundles-${imageSourceHash(REPOSITORY_ROOT).slice(0, 20)}`;
  }

  /** terraform in a stack's folder; a failure is a SandboxError with terraform's own words. */
  async terraform(environment: string, args: string[], env: NodeJS.ProcessEnv): Promise<TerraformResult> {
    try {
      return await runTerraformAsync(args, { dir: this.stackDir(environment), env: { ...process.env, ...env } });
    } catch (err) {
      throw new SandboxError((err as Error).message);
    }
  }

  /** The stack's outputs, as `terraform output` reads them from the sandbox's state. */
  async outputs(environment: string): Promise<Record<string, unknown>> {
    const state = this.running();
    const shown = await this.terraform(environment, ['output', '-json'], state ? this.environment(state) : {});
    const raw = JSON.parse(shown.stdout || '{}') as Record<string, { value: unknown }>;
    return Object.fromEntries(Object.entries(raw).map(([name, output]) => [name, output.value]));
  }

  /**
   * `cdktf destroy` of one deployed stack; the local AWS keeps running. An environment with deletion
   * protection (prod) refuses, as it does on AWS, unless `liftDeletionProtection` first turns it off
   * through the API, as an operator would before removing it.
   */
  async destroy(environment: string, options: { liftDeletionProtection?: boolean } = {}): Promise<void> {
    const state = this.running();
    if (!state) throw new SandboxError('the sandbox is not running: nothing to destroy');
    const stack = `switchyard-${environment}`;
    if (options.liftDeletionProtection) await this.liftDeletionProtection(state, stack);
    this.say(`destroying ${stack} in the sandbox`);
    const destroy = await this.run(CDKTF, ['destroy', stack, '--auto-approve', '--output', this.outputDir], this.environment(state));
    if (destroy.status !== 0)
      throw new SandboxError(`cdktf destroy ${stack} failed${this.stdio === 'pipe' ? `:\n${destroy.stdout}${destroy.stderr}` : ''}`);
    this.setDeployed(this.deployed().filter((e) => e !== environment));
  }

  private async liftDeletionProtection(state: DaemonState, stack: string): Promise<void> {
    const config = {
      endpoint: state.endpoint,
      region: SANDBOX_REGION,
      credentials: SANDBOX_CREDENTIALS,
    };
    const dynamodb = new DynamoDBClient(config);
    const elb = new ElasticLoadBalancingV2Client(config);
    for (const table of (await dynamodb.send(new ListTablesCommand({}))).TableNames ?? [])
      if (table.startsWith(`${stack}-`))
        await dynamodb.send(new UpdateTableCommand({ TableName: table, DeletionProtectionEnabled: false }));
    for (const balancer of (await elb.send(new DescribeLoadBalancersCommand({}))).LoadBalancers ?? [])
      if (balancer.LoadBalancerName?.startsWith(`${stack}-`))
        await elb.send(
          new ModifyLoadBalancerAttributesCommand({
            LoadBalancerArn: balancer.LoadBalancerArn,
            Attributes: [{ Key: 'deletion_protection.enabled', Value: 'false' }],
          }),
        );
    this.say(`lifted the deletion protection of ${stack}'s table and load balancer, as an operator would before removing it`);
  }

  /** Destroys every deployed stack, stops the local AWS and everything it started, and removes the sandbox's folder. */
  async down(): Promise<void> {
    const state = this.running();
    const deployed = this.deployed();
    let failed: string | undefined;
    if (state) {
      for (const environment of deployed) {
        try {
          // A sandbox's data is a rehearsal's: down removes it, protected or not.
          await this.destroy(environment, { liftDeletionProtection: true });
        } catch (err) {
          failed = (err as Error).message;
        }
      }
      await this.stop(state);
    } else {
      this.removeContainers(readDaemonState(this.dir));
      if (deployed.length)
        this.say(`the local AWS was not running, so nothing of ${deployed.join(', ')} is left in it; removing its state`);
    }
    rmSync(this.dir, { recursive: true, force: true });
    if (failed) throw new SandboxError(`${failed}\nThe local AWS is stopped and its state removed all the same.`);
    this.say('the sandbox is down: nothing of it runs, and its folder is removed');
  }

  /** Containers are podman's children, not the local AWS's: they go by their label, even when the local AWS died first. */
  private removeContainers(state: DaemonState | undefined): void {
    if (state?.mode !== 'podman') return;
    const ids = spawnSync('podman', ['ps', '--all', '--quiet', '--filter', `label=${SANDBOX_LABEL}=${this.dir}`], { encoding: 'utf8' });
    const left = ids.stdout?.split('\n').filter(Boolean) ?? [];
    if (left.length) spawnSync('podman', ['rm', '--force', '--time', '0', ...left]);
  }

  private async stop(state: DaemonState): Promise<void> {
    const signal = (name: NodeJS.Signals) => {
      try {
        process.kill(-state.pid, name);
      } catch {
        // already gone
      }
    };
    signal('SIGTERM');
    const deadline = Date.now() + DAEMON_STOP_TIMEOUT_MS;
    while (alive(state.pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    // Whatever of its group outlived it (moto's server, a task) goes now.
    signal('SIGKILL');
    this.removeContainers(state);
  }

  async status(): Promise<string> {
    const state = this.running();
    if (!state) return 'sandbox: not running (pnpm sandbox up starts it)';
    const lines = [
      `sandbox: running since ${state.startedAt} (pid ${state.pid})`,
      `  local AWS (SWITCHYARD_AWS_ENDPOINT): ${state.endpoint}`,
      `  moto's server:                       ${state.motoUrl}`,
      `  tasks and functions run as:          ${state.mode === 'podman' ? 'the image, under podman' : 'processes (the built bundles)'}`,
      `  data and logs:                       ${this.dir}`,
      `  rule changes reach the load balancer: after ${formatRuleDelay(readRuleDelay(this.dir))} s`,
    ];
    const deployed = this.deployed();
    if (!deployed.length) lines.push('  no stack deployed (pnpm sandbox up <environment>)');
    for (const environment of deployed) {
      try {
        const outputs = await this.outputs(environment);
        const weights = (outputs.traffic_weights ?? {}) as { lambda?: number; fargate?: number };
        lines.push(
          `  switchyard-${environment}: ${outputs.active_compute ?? 'not deployed'} (Lambda ${weights.lambda ?? '-'}%, Fargate ${weights.fargate ?? '-'}%), ${outputs.service_url ?? ''}`,
        );
      } catch {
        lines.push(`  switchyard-${environment}: deploying, or its deploy failed`);
      }
    }
    return lines.join('\n');
  }

  private say(line: string): void {
    if (this.stdio === 'inherit') console.log(line);
  }
}
