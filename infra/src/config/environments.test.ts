import { ENVIRONMENTS, environmentProblems, type EnvironmentConfig } from './environments';

const dev = ENVIRONMENTS.dev!;
type Change = Omit<Partial<EnvironmentConfig>, 'fargate' | 'lambda'> & {
  fargate?: Partial<EnvironmentConfig['fargate']>;
  lambda?: Partial<EnvironmentConfig['lambda']>;
};
const withChange = (change: Change): EnvironmentConfig => ({
  ...dev,
  ...change,
  fargate: { ...dev.fargate, ...change.fargate },
  lambda: { ...dev.lambda, ...change.lambda },
});

describe('environment configuration', () => {
  test.each(Object.values(ENVIRONMENTS))('$name is valid', (env) => {
    expect(environmentProblems(env)).toEqual([]);
  });

  test.each([
    [{ name: 'Dev_1' }, 'name must be'],
    [{ region: 'mars-1' }, 'is not an AWS region'],
    [{ availabilityZoneSuffixes: ['a', 'a'] as const }, 'must differ'],
    [{ network: { kind: 'new' as const, cidr: '10.0.0.0/8', natGateway: false } }, 'must be a /16 to /24'],
    [{ fargate: { cpu: 300 } }, 'Fargate cpu 300'],
    [{ fargate: { cpu: 512, memoryMiB: 512 } }, 'does not fit cpu 512'],
    [{ fargate: { minTasks: 3, maxTasks: 2 } }, 'minTasks <= maxTasks'],
    [{ lambda: { memoryMiB: 64 } }, 'Lambda memory'],
    [{ allowPlainHttp: false }, 'serves plain HTTP'],
    [{ certificateArn: 'not-an-arn' }, 'ACM certificate ARN'],
    [{ logRetentionDays: 10 }, 'CloudWatch retention value'],
  ] as const)('%j is refused: %s', (change, message) => {
    expect(environmentProblems(withChange(change as Change))).toEqual([expect.stringContaining(message)]);
  });

  test.each([
    [256, 512, true],
    [256, 2048, true],
    [256, 4096, false],
    [1024, 2048, true],
    [4096, 30720, true],
    [4096, 4096, false],
  ])('Fargate %i CPU with %i MiB: %s', (cpu, memoryMiB, ok) => {
    expect(environmentProblems(withChange({ fargate: { cpu, memoryMiB } })).length === 0).toBe(ok);
  });
});
