import { ENVIRONMENTS } from '@switchyard/infra/environments';
import type { MeasuredCosts } from './measured';
import { buildWorkload, DEFAULT_REQUESTS_PER_SECOND, InputError, inputProblems, type WorkloadInput } from './workload';

const measured = (): MeasuredCosts => ({
  lambdaCpuMsPerRequest: 0.04,
  requestsPerVcpuSecond: 50_000,
  measuredAt: '2026-11-29T00:00:00Z',
  source: 'bench',
});
const noMeasure = () => {
  throw new Error('the bench results were read although every figure was given');
};

describe('workload inputs', () => {
  test.each<[string, WorkloadInput, RegExp]>([
    ['zero traffic', { requestsPerSecond: [0] }, /--rps \(requestsPerSecond\) \(item 1\) must be > 0; got 0/],
    ['negative traffic', { requestsPerSecond: [10, -5] }, /--rps \(requestsPerSecond\) \(item 2\) must be > 0; got -5/],
    ['memory under 128 MB', { lambdaMemoryMb: 64 }, /--memory \(lambdaMemoryMb\) must be >= 128; got 64/],
    ['memory over 10,240 MB', { lambdaMemoryMb: 20_000 }, /--memory \(lambdaMemoryMb\) must be <= 10240; got 20000/],
    ['an unknown region', { region: 'mars-north-1' }, /region "mars-north-1" has no prices here; known: us-east-1/],
    ['an unknown architecture', { architecture: 'sparc' as never }, /--arch \(architecture\) must be x86_64 or arm64; got "sparc"/],
    ['an unknown environment', { environment: 'staging' }, /environment "staging" is not one of dev, prod/],
    ['Spot on arm64', { fargateSpot: true, architecture: 'arm64' }, /Fargate Spot runs x86_64 tasks only/],
    ['a peak under the average', { peakToAverage: 0.5 }, /--peak \(peakToAverage\) must be >= 1; got 0.5/],
    ['a field nobody reads', { requestsPerMinute: 5 } as never, /unknown field requestsPerMinute/],
  ])('%s is refused with a message naming the field', (_, input, message) => {
    expect(inputProblems(input).join('\n')).toMatch(message);
    expect(() => buildWorkload(input, measured)).toThrow(InputError);
  });

  test('every problem is reported at once', () => {
    expect(inputProblems({ lambdaMemoryMb: 1, peakToAverage: 100 })).toHaveLength(2);
  });

  test("an environment's sizes come from infra/src/config/environments.ts", () => {
    for (const environment of Object.values(ENVIRONMENTS)) {
      const { levels } = buildWorkload({ environment: environment.name }, measured);
      expect(levels.map((level) => level.requestsPerSecond)).toEqual(DEFAULT_REQUESTS_PER_SECOND);
      const [level] = levels;
      expect(level!.fargate).toMatchObject({
        vcpu: environment.fargate.cpu / 1024,
        memoryGb: environment.fargate.memoryMiB / 1024,
        minTasks: environment.fargate.minTasks,
        requestsPerTaskPerMinute: environment.fargate.targetRequestsPerTask,
      });
      expect(level!.lambda.memoryMb).toBe(environment.lambda.memoryMiB);
      expect(level!.network.natGateway).toBe(environment.network.natGateway);
      expect(level!.region).toBe(environment.region);
    }
  });

  test('the measured CPU time is billed as Lambda bills it: scaled to the memory, rounded up to the millisecond', () => {
    // 0.04 ms on a full core; 128 MB has 128/1769 of a vCPU, so 0.55 ms, billed as 1 ms.
    expect(buildWorkload({ lambdaMemoryMb: 128 }, measured).levels[0]!.lambda.billedMsPerRequest).toBe(1);
    const slow = () => ({ ...measured(), lambdaCpuMsPerRequest: 2.5 });
    expect(buildWorkload({ lambdaMemoryMb: 1769 }, slow).levels[0]!.lambda.billedMsPerRequest).toBe(3);
    expect(buildWorkload({ lambdaMemoryMb: 10240 }, slow).levels[0]!.lambda.billedMsPerRequest).toBe(3);
    expect(buildWorkload({ lambdaMemoryMb: 512 }, slow).levels[0]!.lambda.billedMsPerRequest).toBe(9);
  });

  test('given figures win over the measured ones, and the bench results are then not read', () => {
    const { levels, sources } = buildWorkload({ billedMsPerRequest: 12.2, requestsPerVcpuSecond: 900 }, noMeasure);
    expect(levels[0]!.lambda.billedMsPerRequest).toBe(13);
    expect(levels[0]!.fargate.requestsPerVcpuSecond).toBe(900);
    expect(sources).toEqual({ billedMsPerRequest: 'given', requestsPerVcpuSecond: 'given' });
  });
});
