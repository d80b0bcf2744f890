import { App } from 'cdktf';
import { join } from 'node:path';
import { ENVIRONMENTS, environmentProblems } from './config/environments';
import { imageSourceHash } from './image-source';
import { ServiceStack, type RemoteState } from './stacks/service-stack';

// The only place that reads process.env: everything below receives plain values.
const repositoryRoot = join(__dirname, '..', '..');
const stateBucket = process.env.SWITCHYARD_STATE_BUCKET;
const offlinePlan = process.env.SWITCHYARD_OFFLINE_PLAN === '1';

const problems = Object.values(ENVIRONMENTS).flatMap(environmentProblems);
if (problems.length) {
  console.error(`Invalid environment configuration (infra/src/config/environments.ts):\n  ${problems.join('\n  ')}`);
  process.exit(1);
}

const app = new App();
const sourceHash = imageSourceHash(repositoryRoot);
for (const environment of Object.values(ENVIRONMENTS)) {
  const remoteState: RemoteState | undefined = stateBucket
    ? {
        bucket: stateBucket,
        region: process.env.SWITCHYARD_STATE_REGION ?? environment.region,
        ...(process.env.SWITCHYARD_STATE_LOCK_TABLE ? { lockTable: process.env.SWITCHYARD_STATE_LOCK_TABLE } : {}),
      }
    : undefined;
  const id = `switchyard-${environment.name}`;
  new ServiceStack(app, id, {
    environment,
    sourceHash,
    repositoryRoot,
    offlinePlan,
    ...(remoteState ? { remoteState } : {}),
  });
}
app.synth();
