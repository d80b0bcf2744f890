import { join } from 'node:path';
import { startRuntimeApi, FunctionError, type RuntimeApi } from '@switchyard/lambda-local/runtime-api';
import { jsonBody } from '../local-aws/aws-call';
import type { FidelityPatch } from '../local-aws/fidelity-layer';
import type { RunningContainer, TaskLauncher } from './task-launcher';

/*
 * Invoke of an image function, as Lambda runs one: the function's image with its image config
 * (the runtime interface client), its environment, its timeout, as a user of Lambda's own and on a
 * read-only root, fed events through a Runtime API. A warm execution environment serves one
 * invocation at a time and is reused; more at once start more. Without podman, the same
 * environments run the built bundles as processes, with a runtime client of the sandbox's own.
 */

export interface FunctionConfiguration {
  FunctionName: string;
  FunctionArn: string;
  Timeout: number;
  MemorySize: number;
  PackageType?: string;
  Environment?: { Variables?: Record<string, string> };
  ImageConfigResponse?: { ImageConfig?: { EntryPoint?: string[]; Command?: string[]; WorkingDirectory?: string } };
}

export interface LambdaInvokeOptions {
  readonly launcher: TaskLauncher;
  readonly awsEnvironment: Record<string, string>;
  readonly region: string;
  readonly log?: (line: string) => void;
}

/** Lambda's execution environment: 1,024 file descriptors, 1,024 processes and threads. https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html */
const LAMBDA_LIMITS = { nofile: { soft: 1024, hard: 1024 }, nproc: { soft: 1024, hard: 1024 } };
/** Runs the handler against the Runtime API where no image runs (process mode). */
const RUNTIME_CLIENT = join(__dirname, 'runtime-client.cjs');
/** Lambda runs an image as a user of its own, not the image's USER (uid 993 is what it has been seen to use). */
const LAMBDA_USER = '993:990';
/** Environments kept per function; beyond this, an invocation waits for one to be free. */
const MAX_ENVIRONMENTS = 10;
const INVOKE_PATH = /^POST \/2015-03-31\/functions\/([^/]+)\/invocations$/;

interface Environment {
  readonly key: string;
  readonly runtime: RuntimeApi;
  readonly container: RunningContainer;
  busy: boolean;
}

type Outcome = { payload: unknown } | { error: { errorType: string; errorMessage: string } };

export class LambdaInvoker {
  private readonly environments = new Map<string, Environment[]>();
  private readonly pending = new Set<Promise<unknown>>();
  /** Invocations served, by function name: tests and the drill read it. */
  readonly invocations = new Map<string, number>();

  constructor(private readonly options: LambdaInvokeOptions) {}

  readonly patch: FidelityPatch = {
    name: 'lambda-image-invoke',
    restores:
      "Invoke runs an image function: RequestResponse answers 200 with the function's result (X-Amz-Function-Error when it failed), " +
      "Event queues it and answers 202. The image runs with its image config and the function's environment, as a user of " +
      "Lambda's own on a read-only root with /tmp writable. https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html, " +
      'https://docs.aws.amazon.com/lambda/latest/dg/images-create.html',
    applies: (call) => call.service === 'lambda' && INVOKE_PATH.test(call.action),
    handle: async (call, moto) => {
      const name = decodeURIComponent(INVOKE_PATH.exec(call.action)![1]!);
      const found = await moto({
        ...call,
        method: 'GET',
        action: `GET /2015-03-31/functions/${name}`,
        url: `/2015-03-31/functions/${encodeURIComponent(name)}`,
        body: Buffer.alloc(0),
      });
      if (found.status >= 300) return found;
      const { Configuration: configuration, Code: code } = jsonBody<{ Configuration: FunctionConfiguration; Code?: { ImageUri?: string } }>(
        found,
      );
      if (configuration.PackageType !== 'Image' || !code?.ImageUri) return moto(call);
      const event = JSON.parse(call.body.toString('utf8') || '{}') as unknown;
      this.invocations.set(name, (this.invocations.get(name) ?? 0) + 1);
      if (call.headers['x-amz-invocation-type'] === 'Event') {
        const run = this.invoke(configuration, code.ImageUri, event).catch(() => undefined);
        this.pending.add(run);
        void run.finally(() => this.pending.delete(run));
        return { status: 202, headers: { 'content-type': 'application/json' }, body: Buffer.alloc(0) };
      }
      const outcome = await this.invoke(configuration, code.ImageUri, event);
      const headers: Record<string, string> = { 'content-type': 'application/json', 'x-amz-executed-version': '$LATEST' };
      if ('error' in outcome)
        return {
          status: 200,
          headers: { ...headers, 'x-amz-function-error': 'Unhandled' },
          body: Buffer.from(JSON.stringify(outcome.error)),
        };
      return { status: 200, headers, body: Buffer.from(JSON.stringify(outcome.payload)) };
    },
  };

  private environmentVariables(fn: FunctionConfiguration): Record<string, string> {
    return {
      ...fn.Environment?.Variables,
      ...this.options.awsEnvironment,
      AWS_REGION: this.options.region,
      AWS_DEFAULT_REGION: this.options.region,
      AWS_LAMBDA_FUNCTION_NAME: fn.FunctionName,
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.MemorySize),
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.FunctionName}`,
      AWS_LAMBDA_LOG_STREAM_NAME: 'sandbox',
      LAMBDA_TASK_ROOT: fn.ImageConfigResponse?.ImageConfig?.WorkingDirectory ?? '/var/task',
    };
  }

  /**
   * One invocation to its end, in a warm execution environment: the function's result, or the
   * error it reported. An environment serves one invocation at a time and is reused.
   */
  async invoke(fn: FunctionConfiguration, imageUri: string, event: unknown): Promise<Outcome> {
    return this.invokeInEnvironment(fn, imageUri, event);
  }

  private async invokeInEnvironment(fn: FunctionConfiguration, imageUri: string, event: unknown): Promise<Outcome> {
    const key = `${imageUri} ${JSON.stringify(this.environmentVariables(fn))} ${fn.Timeout}`;
    let pool = this.environments.get(fn.FunctionName) ?? [];
    // A new image or configuration retires the old environments, as a function update does.
    for (const stale of pool.filter((e) => e.key !== key && !e.busy)) this.retire(fn.FunctionName, stale);
    pool = this.environments.get(fn.FunctionName) ?? [];
    let environment = pool.find((e) => e.key === key && !e.busy);
    if (!environment && pool.length < MAX_ENVIRONMENTS) environment = await this.startEnvironment(fn, imageUri, key);
    while (!environment) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      environment = this.environments.get(fn.FunctionName)?.find((e) => e.key === key && !e.busy);
    }
    environment.busy = true;
    try {
      return { payload: await environment.runtime.invoke(event, fn.Timeout * 1000) };
    } catch (err) {
      if (err instanceof FunctionError) {
        if (err.stage === 'init') this.retire(fn.FunctionName, environment);
        return { error: { errorType: err.errorType, errorMessage: err.message } };
      }
      // A timeout: Lambda stops the environment.
      this.retire(fn.FunctionName, environment);
      return { error: { errorType: 'Sandbox.Timedout', errorMessage: (err as Error).message } };
    } finally {
      environment.busy = false;
    }
  }

  private async startEnvironment(fn: FunctionConfiguration, imageUri: string, key: string): Promise<Environment> {
    const runtime = await startRuntimeApi({ functionName: fn.FunctionName, timeoutMs: fn.Timeout * 1000 });
    const image = fn.ImageConfigResponse?.ImageConfig;
    const command =
      this.options.launcher.mode === 'podman'
        ? [...(image?.EntryPoint ?? []), ...(image?.Command ?? [])]
        : // The bundles, with a runtime client of the sandbox's own in place of the image's aws-lambda-ric.
          ['node', RUNTIME_CLIENT, ...(image?.Command ?? ['dist/lambda.handler'])];
    const container = this.options.launcher.start({
      name: `switchyard-lambda-${fn.FunctionName}-${Date.now().toString(36)}`,
      image: imageUri,
      command,
      environment: { ...this.environmentVariables(fn), AWS_LAMBDA_RUNTIME_API: runtime.address },
      user: LAMBDA_USER,
      limits: LAMBDA_LIMITS,
    });
    container.child.stderr?.on('data', (chunk: Buffer) => this.options.log?.(`[lambda ${fn.FunctionName}] ${chunk.toString().trimEnd()}`));
    const environment: Environment = { key, runtime, container, busy: false };
    this.environments.set(fn.FunctionName, [...(this.environments.get(fn.FunctionName) ?? []), environment]);
    void container.exited.then(() => this.retire(fn.FunctionName, environment));
    return environment;
  }

  private retire(functionName: string, environment: Environment): void {
    this.environments.set(
      functionName,
      (this.environments.get(functionName) ?? []).filter((e) => e !== environment),
    );
    environment.container.kill();
    void environment.runtime.close();
  }

  /** Stops every environment: the sandbox is going away. */
  shutdown(): void {
    for (const [name, pool] of this.environments) for (const environment of pool) this.retire(name, environment);
  }
}
