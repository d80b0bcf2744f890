import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The repository's root, apps/api (the built bundles), and the sandbox's own folder under .local/. */
export const REPOSITORY_ROOT = join(__dirname, '..', '..');
export const API_ROOT = join(REPOSITORY_ROOT, 'apps', 'api');
export const SANDBOX_DIR = join(REPOSITORY_ROOT, '.local', 'sandbox');
/** The region every sandbox resource lives in; the environments' own region, as in AWS. */
export const SANDBOX_REGION = 'us-east-1';

/** The local AWS takes any credentials; these are the ones every sandbox client signs with. */
export const SANDBOX_CREDENTIALS = { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' } as const;

/** The environment that points an AWS SDK or CLI at a local AWS. */
export function localAwsEnvironment(endpoint: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: SANDBOX_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: SANDBOX_CREDENTIALS.secretAccessKey,
    AWS_DEFAULT_REGION: SANDBOX_REGION,
    AWS_REGION: SANDBOX_REGION,
  };
}

/** The host name moto gives ECR repositories (account 123456789012): the registry images are pushed to and pulled from. */
export const ECR_HOST = `123456789012.dkr.ecr.${SANDBOX_REGION}.amazonaws.com`;
/** The label on every container a sandbox starts, with its folder as the value, so `down` finds them all. */
export const SANDBOX_LABEL = 'io.switchyard.sandbox';

/** What the running local AWS reports of itself. */
export interface DaemonState {
  pid: number;
  endpoint: string;
  motoUrl: string;
  mode: 'podman' | 'process';
  startedAt: string;
  /** host:port of the OCI registry, in podman mode. */
  registry?: string;
}

const DAEMON_FILE = 'local-aws.json';

export function writeDaemonState(dir: string, state: DaemonState): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, DAEMON_FILE), JSON.stringify(state, null, 2));
}

export function readDaemonState(dir: string): DaemonState | undefined {
  const file = join(dir, DAEMON_FILE);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as DaemonState) : undefined;
}
