import { CONTAINER_PORT, FARGATE_ENTRYPOINT, LAMBDA_IMAGE_CONFIG, serviceEnvironment } from '@switchyard/infra/image-contract';
import type { RuntimeApi } from '@switchyard/lambda-local/runtime-api';
import { eventually, publishedUrl, runContainer, type Container } from './podman';

/** `podman run` options that set these environment variables. */
export const environment = (variables: Record<string, string>) =>
  Object.entries(variables).flatMap(([name, value]) => ['--env', `${name}=${value}`]);

/** The image as the ECS task definition runs it: the contract's entrypoint, a published port, read-only. */
export async function startFargateMode(extraOptions: string[] = [], readyPollMs = 200): Promise<{ container: Container; baseUrl: string }> {
  const container = await runContainer({
    options: [
      ...extraOptions,
      '--publish',
      `127.0.0.1::${CONTAINER_PORT}`,
      '--entrypoint',
      JSON.stringify(FARGATE_ENTRYPOINT.entryPoint),
      ...environment(serviceEnvironment()),
    ],
    command: FARGATE_ENTRYPOINT.command,
  });
  const baseUrl = await publishedUrl(container, CONTAINER_PORT);
  await eventually(async () => (await fetch(`${baseUrl}/ready`)).ok, 'readiness', container, 30_000, readyPollMs);
  return { container, baseUrl };
}

/**
 * The image as Lambda runs it: the contract's entrypoint and command, the variables Lambda sets
 * (LAMBDA_TASK_ROOT included, which Lambda points at /var/task), and the Runtime API to poll.
 */
export async function startLambdaMode(
  runtimeApi: RuntimeApi,
  command: string[] = LAMBDA_IMAGE_CONFIG.command,
  extraOptions: string[] = [],
): Promise<Container> {
  const functionName = 'switchyard-container-test';
  return runContainer({
    options: [
      ...extraOptions,
      // The runtime reaches the Runtime API on the host's loopback, as it would reach Lambda's on its own.
      '--network',
      'host',
      '--entrypoint',
      JSON.stringify(LAMBDA_IMAGE_CONFIG.entryPoint),
      '--workdir',
      LAMBDA_IMAGE_CONFIG.workingDirectory,
      ...environment({
        ...serviceEnvironment(),
        AWS_LAMBDA_RUNTIME_API: runtimeApi.address,
        AWS_LAMBDA_FUNCTION_NAME: functionName,
        AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
        AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${functionName}`,
        AWS_LAMBDA_LOG_STREAM_NAME: '2026/01/01/[$LATEST]container-test',
        LAMBDA_TASK_ROOT: '/var/task',
        AWS_REGION: 'us-east-1',
      }),
    ],
    command,
  });
}

/** Waits until the runtime in the container asks for work: it has loaded the handler and is serving. */
export function runtimePolling(runtimeApi: RuntimeApi, container: Container): Promise<void> {
  return eventually(async () => runtimeApi.polls > 0, 'the first poll of the Runtime API', container);
}

/** The effective user of the container's main process, as the kernel sees it. */
export async function mainProcessUid(container: Container): Promise<number> {
  const status = await container.exec('cat', '/proc/1/status');
  const uid = /^Uid:\s+(\d+)/m.exec(status);
  if (!uid) throw new Error(`no Uid line in /proc/1/status:\n${status}`);
  return Number(uid[1]);
}
