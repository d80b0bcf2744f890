/*
 * What the infrastructure relies on in docker/Dockerfile. One image, two entrypoints: the task
 * definition and the function's image config pick one; the image itself is the same digest.
 */

/** The image's non-root user (`node` in the official Node images). */
export const IMAGE_USER = '1000:1000';
export const IMAGE_WORKDIR = '/app';
export const CONTAINER_PORT = 3000;

/** The job task definition's container; the API names it in RunTask's override (JOB_CONTAINER_NAME). */
export const JOB_CONTAINER_NAME = 'api';

/** Fargate: the native HTTP server. */
export const FARGATE_ENTRYPOINT = { entryPoint: ['node'], command: ['dist/server.js'] };

/** Lambda: the Runtime Interface Client, which loads the handler named by the command. */
export const LAMBDA_IMAGE_CONFIG = {
  entryPoint: ['/usr/local/bin/lambda-entrypoint'],
  command: ['dist/lambda.handler'],
  workingDirectory: IMAGE_WORKDIR,
};

/** The same environment on both computes, so the app behaves the same. */
export function serviceEnvironment(computeSpecific: Record<string, string> = {}): Record<string, string> {
  return { NODE_ENV: 'production', LOG_LEVEL: 'info', ...computeSpecific };
}
