import { App, Testing } from 'cdktf';
import { defineStacks } from '../app';
import { ENVIRONMENTS } from '../config/environments';
import { REPOSITORY_ROOT } from '../../test/support/synth-stack';
import { LOCAL_AWS_SERVICES, parseLocalAwsEndpoint, serviceOfType } from './local-aws';
import { ServiceStack } from './service-stack';

type Synthesized = {
  resource: Record<string, unknown>;
  data?: Record<string, unknown>;
  provider: { aws: Array<Record<string, unknown> & { endpoints?: Array<Record<string, string>> }> };
  terraform: { backend: Record<string, Record<string, unknown>> };
};

const ENDPOINT = 'http://127.0.0.1:4566';

function synthAll(env: NodeJS.ProcessEnv): Synthesized[] {
  const stacks = defineStacks(Testing.app() as App, { repositoryRoot: REPOSITORY_ROOT, env });
  return stacks.map((stack) => JSON.parse(Testing.synth(stack)) as Synthesized);
}

/** A stack with every optional part on (an alarm topic), pointed at the local AWS. */
function synthWithEverything(): Synthesized {
  const dev = ENVIRONMENTS.dev!;
  const stack = new ServiceStack(Testing.app(), 'switchyard-dev', {
    environment: { ...dev, safetyNet: { ...dev.safetyNet, notifyEmail: 'oncall@example.com' } },
    sourceHash: 'f'.repeat(64),
    repositoryRoot: REPOSITORY_ROOT,
    localAwsEndpoint: ENDPOINT,
  });
  return JSON.parse(Testing.synth(stack)) as Synthesized;
}

describe('SWITCHYARD_AWS_ENDPOINT: the one switch that points the stacks at a local AWS', () => {
  // A remote backend is configured too: the switch must win over it.
  const stacks = [...synthAll({ SWITCHYARD_AWS_ENDPOINT: ENDPOINT, SWITCHYARD_STATE_BUCKET: 'real-state-bucket' }), synthWithEverything()];

  test.each(stacks.map((stack, i) => [i, stack] as const))('stack %i: every AWS type it uses has its service pointed there', (_, stack) => {
    const endpoints = stack.provider.aws[0]!.endpoints![0]!;
    const types = [...Object.keys(stack.resource), ...Object.keys(stack.data ?? {})].filter((type) => type.startsWith('aws_'));
    expect(types.length).toBeGreaterThan(20);
    for (const type of types) {
      const service = serviceOfType(type);
      // A type no prefix names: add its service to LOCAL_AWS_SERVICES and SERVICE_OF_TYPE (local-aws.ts).
      expect({ type, service }).not.toEqual({ type, service: undefined });
      if (service) expect({ type, endpoint: endpoints[service] }).toEqual({ type, endpoint: ENDPOINT });
    }
    // The provider asks STS for the account id; that call goes there too.
    expect(endpoints.sts).toBe(ENDPOINT);
  });

  test.each(stacks.map((stack, i) => [i, stack] as const))(
    'stack %i: fake credentials, no instance metadata, local state apart',
    (_, stack) => {
      const provider = stack.provider.aws[0]!;
      expect(provider).toMatchObject({ access_key: 'sandbox', secret_key: 'sandbox', skip_metadata_api_check: 'true' });
      expect(Object.keys(stack.terraform.backend)).toEqual(['local']);
      expect(stack.terraform.backend.local!.path).toMatch(/^sandbox\.switchyard-\w+\.tfstate$/);
    },
  );

  test('without it, the stacks name no endpoint and keep their configured backend', () => {
    for (const stack of synthAll({ SWITCHYARD_STATE_BUCKET: 'real-state-bucket' })) {
      expect(stack.provider.aws[0]!.endpoints).toBeUndefined();
      expect(Object.keys(stack.terraform.backend)).toEqual(['s3']);
    }
  });

  test('every service it lists is one a type of the stacks calls (with every optional part on), or the provider itself (sts)', () => {
    const used = new Set(
      stacks.flatMap((stack) => [...Object.keys(stack.resource), ...Object.keys(stack.data ?? {})].map(serviceOfType)).filter(Boolean),
    );
    expect(LOCAL_AWS_SERVICES.filter((service) => !used.has(service) && service !== 'sts')).toEqual([]);
  });
});

describe('parseLocalAwsEndpoint', () => {
  test.each(['http://127.0.0.1:4566', 'http://localhost:4566/', 'http://[::1]:4566'])('accepts %s', (value) => {
    expect(parseLocalAwsEndpoint(value)).toBe(new URL(value).origin);
  });

  test.each([
    ['https://ecs.us-east-1.amazonaws.com', /must be http:\/\/127\.0\.0\.1/],
    ['http://10.0.0.5:4566', /must be http:\/\/127\.0\.0\.1/],
    ['http://127.0.0.1', /must be http:\/\/127\.0\.0\.1/],
    ['127.0.0.1:4566', /is not a URL|must be/],
    ['http://127.0.0.1:4566/moto', /must be http:\/\/127\.0\.0\.1/],
  ])('refuses %s: a sandbox never sends its calls off this machine', (value, message) => {
    expect(() => parseLocalAwsEndpoint(value)).toThrow(message);
  });
});
