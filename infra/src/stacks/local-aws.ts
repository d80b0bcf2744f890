import type { AwsProviderConfig } from '@cdktf/provider-aws/lib/provider';

/*
 * The one switch that points a stack at a local AWS (`pnpm sandbox`): every service the stacks
 * call gets an endpoint there, the credentials are fake, and no call can leave for real AWS.
 */

/** The environment variable that is the switch: the local AWS's URL. */
export const LOCAL_AWS_VARIABLE = 'SWITCHYARD_AWS_ENDPOINT';

/** The sandbox's folder: its state, logs and synthesized stacks. @default .local/sandbox */
export const SANDBOX_DIR_VARIABLE = 'SWITCHYARD_SANDBOX_DIR';
export const DEFAULT_SANDBOX_DIR = '.local/sandbox';

/**
 * Where cdktf writes the stacks, relative to the repository root or absolute. With the switch on,
 * the sandbox's folder: apart from cdktf.out, so a sandbox never touches a real deployment's files.
 */
export function cdktfOutputDir(env: NodeJS.ProcessEnv): string {
  if (!env[LOCAL_AWS_VARIABLE]) return 'cdktf.out';
  return `${env[SANDBOX_DIR_VARIABLE] || DEFAULT_SANDBOX_DIR}/cdktf.out`;
}

/**
 * The AWS provider's `endpoints` keys of every service the stacks' resources and data sources call.
 * A resource type whose service is missing here fails local-aws.test.ts, so a stack can never
 * quietly reach real AWS from a sandbox.
 */
export const LOCAL_AWS_SERVICES = [
  'applicationautoscaling',
  'cloudwatch',
  'cloudwatchlogs',
  'dynamodb',
  'ec2',
  'ecr',
  'ecs',
  'elbv2',
  'iam',
  'lambda',
  'sns',
  'sts',
] as const;
export type LocalAwsService = (typeof LOCAL_AWS_SERVICES)[number];

/** The service each Terraform type prefix calls; the longest matching prefix wins. `null`: computed locally. */
export const SERVICE_OF_TYPE: Record<string, LocalAwsService | null> = {
  aws_appautoscaling_: 'applicationautoscaling',
  aws_cloudwatch_: 'cloudwatch',
  aws_cloudwatch_log_: 'cloudwatchlogs',
  aws_dynamodb_: 'dynamodb',
  aws_ecr_: 'ecr',
  aws_ecs_: 'ecs',
  aws_eip: 'ec2',
  aws_internet_gateway: 'ec2',
  aws_nat_gateway: 'ec2',
  aws_route: 'ec2',
  aws_security_group: 'ec2',
  aws_subnet: 'ec2',
  aws_vpc: 'ec2',
  aws_lb: 'elbv2',
  aws_iam_policy_document: null,
  aws_iam_: 'iam',
  aws_lambda_: 'lambda',
  aws_sns_: 'sns',
  aws_caller_identity: 'sts',
};

/** The service a resource or data source type calls, or `undefined` when no prefix names it. */
export function serviceOfType(type: string): LocalAwsService | null | undefined {
  const prefix = Object.keys(SERVICE_OF_TYPE)
    .filter((p) => type.startsWith(p))
    .sort((a, b) => b.length - a.length)[0];
  return prefix === undefined ? undefined : SERVICE_OF_TYPE[prefix];
}

/**
 * Checks SWITCHYARD_AWS_ENDPOINT: an http URL on loopback, so a sandbox's fake credentials are only
 * ever sent to this machine. Returns the URL without a trailing slash.
 */
export function parseLocalAwsEndpoint(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`SWITCHYARD_AWS_ENDPOINT="${value}" is not a URL; expected http://127.0.0.1:<port>`);
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'http:' || !loopback || !url.port || url.pathname !== '/')
    throw new Error(`SWITCHYARD_AWS_ENDPOINT="${value}" must be http://127.0.0.1:<port> (a local AWS on this machine)`);
  return url.origin;
}

/** Provider settings for a local AWS at `endpoint`: every service there, fake credentials, no AWS calls of its own. */
export function localAwsProvider(endpoint: string): Partial<AwsProviderConfig> {
  return {
    accessKey: 'sandbox',
    secretKey: 'sandbox',
    // The account id is still asked of the local STS, so ARNs are built as on AWS.
    skipCredentialsValidation: true,
    skipMetadataApiCheck: 'true',
    skipRegionValidation: true,
    endpoints: [Object.fromEntries(LOCAL_AWS_SERVICES.map((service) => [service, endpoint]))],
  };
}
