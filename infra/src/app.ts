import { App } from 'cdktf';
import { ENVIRONMENTS, environmentProblems } from './config/environments';
import { imageSourceHash } from './image-source';
import { parseLocalAwsEndpoint } from './stacks/local-aws';
import { ServiceStack, type RemoteState } from './stacks/service-stack';

/** What the stacks read from the environment; main.ts and the HCL export pass process.env. */
export interface AppInputs {
  repositoryRoot: string;
  env: NodeJS.ProcessEnv;
}

/** The problems of infra/src/config/environments.ts, one line each; empty when it is valid. */
export function configurationProblems(): string[] {
  return Object.values(ENVIRONMENTS).flatMap(environmentProblems);
}

/** One ServiceStack per environment, named switchyard-<environment>, on `app`. */
export function defineStacks(app: App, { repositoryRoot, env }: AppInputs): ServiceStack[] {
  const stateBucket = env.SWITCHYARD_STATE_BUCKET;
  const offlinePlan = env.SWITCHYARD_OFFLINE_PLAN === '1';
  const localAwsEndpoint = env.SWITCHYARD_AWS_ENDPOINT ? parseLocalAwsEndpoint(env.SWITCHYARD_AWS_ENDPOINT) : undefined;
  const sourceHash = imageSourceHash(repositoryRoot);
  return Object.values(ENVIRONMENTS).map((environment) => {
    const remoteState: RemoteState | undefined = stateBucket
      ? {
          bucket: stateBucket,
          region: env.SWITCHYARD_STATE_REGION ?? environment.region,
          ...(env.SWITCHYARD_STATE_LOCK_TABLE ? { lockTable: env.SWITCHYARD_STATE_LOCK_TABLE } : {}),
        }
      : undefined;
    return new ServiceStack(app, `switchyard-${environment.name}`, {
      environment,
      sourceHash,
      repositoryRoot,
      offlinePlan,
      ...(localAwsEndpoint ? { localAwsEndpoint } : {}),
      ...(remoteState ? { remoteState } : {}),
    });
  });
}
