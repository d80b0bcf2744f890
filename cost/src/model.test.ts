import fc from 'fast-check';
import {
  breakEven,
  dailyShape,
  fargateCharge,
  lambdaCost,
  monthlyCost,
  requestsPerMonth,
  taskCapacity,
  taskHourPrice,
  tasksByHour,
  type Workload,
} from './model';
import { PRICES } from './prices';
import { DEV_WORKLOAD } from './test-workload';

const cents = (n: number) => Math.round(n * 100) / 100;

const base = DEV_WORKLOAD;
const cpuScaled: Workload = { ...base, fargate: { ...base.fargate, requestsPerTaskPerMinute: Number.POSITIVE_INFINITY } };

describe("AWS's own worked pricing examples, to the cent", () => {
  test('Lambda pricing page, mobile application backend: 3 M requests of 120 ms at 1,536 MB on Arm cost $7.80 a month', () => {
    // https://aws.amazon.com/lambda/pricing/ (US East): "3M requests x 120ms = 360,000 seconds;
    // 360,000 x 1536MB/1024MB = 540,000 GB-s; 540,000 GB-s x $0.0000133334 = $7.20 monthly compute;
    // 3M requests x $0.20/M = $0.60 monthly request charges; total $7.80", free tier not applied.
    const workload: Workload = { ...base, architecture: 'arm64', lambda: { memoryMb: 1536, billedMsPerRequest: 120, freeTier: false } };
    expect(cents(lambdaCost(workload, 3_000_000))).toBe(7.8);
  });

  test('Fargate pricing page, example 1: 5 tasks of 1 vCPU and 2 GB, 10 minutes a day for 30 days, cost $1.23 a month', () => {
    // https://aws.amazon.com/fargate/pricing/ (US East, Linux/x86): "5 tasks x 1 vCPU x 600 seconds x
    // 30 days: $1.01 in vCPU charges; 5 tasks x 2 GB x 600 seconds x 30 days: $0.22 in memory
    // charges; $1.23 in all".
    const taskSeconds = 5 * 600 * 30;
    expect(cents(fargateCharge(1, 0, taskSeconds, 'x86_64'))).toBe(1.01);
    expect(cents(fargateCharge(0, 2, taskSeconds, 'x86_64'))).toBe(0.22);
    expect(cents(fargateCharge(1, 2, taskSeconds, 'x86_64'))).toBe(1.23);
  });

  test("Lambda's free tier takes 1 M requests and 400,000 GB-s off a month when asked for", () => {
    const workload: Workload = { ...base, lambda: { memoryMb: 512, billedMsPerRequest: 1000, freeTier: true } };
    // 3 M requests of 1 s at 512 MB: 1.5 M GB-s, 1.1 M of them billed; 2 M requests billed.
    expect(lambdaCost(workload, 3_000_000)).toBeCloseTo(1_100_000 * 0.0000166667 + 2 * 0.2, 6);
    expect(lambdaCost(workload, 500_000)).toBe(0);
  });
});

describe('the model', () => {
  test('the daily shape averages the given traffic and peaks at the given ratio', () => {
    for (const peak of [1, 1.5, 2, 3, 6, 12]) {
      const shape = dailyShape(peak);
      expect(shape).toHaveLength(24);
      expect(shape.reduce((a, b) => a + b, 0) / 24).toBeCloseTo(1, 9);
      expect(Math.max(...shape)).toBeCloseTo(peak, 6);
      expect(Math.min(...shape)).toBeGreaterThanOrEqual(0);
    }
  });

  test('a task absorbs the lesser of what its CPU target and its request-count target allow', () => {
    expect(taskCapacity(base)).toEqual({ requestsPerSecond: 500 / 60, boundBy: 'requests' });
    expect(taskCapacity(cpuScaled)).toEqual({ requestsPerSecond: 50_000 * 0.25 * 0.6, boundBy: 'cpu' });
  });

  test('while Lambda takes all traffic, no task runs unless Fargate stands by', () => {
    expect(monthlyCost(base, 1).taskHours).toBe(0);
    const standby = monthlyCost({ ...base, fargate: { ...base.fargate, standby: true } }, 1);
    expect(standby.taskHours).toBeCloseTo(PRICES.hoursPerMonth * base.fargate.minTasks, 9);
  });

  test('fixed costs are the same whichever compute serves, and NAT appears only where the environment has it', () => {
    expect(monthlyCost(base, 1).fixed).toEqual(monthlyCost(base, 0).fixed);
    expect(monthlyCost(base, 0).fixed.natHours).toBe(0);
    const nat = monthlyCost({ ...base, network: { natGateway: true, availabilityZones: 2 } }, 0);
    expect(nat.fixed.natHours).toBeCloseTo(730 * 0.045, 9);
    expect(nat.variable.taskIpv4).toBe(0);
  });

  test('an unknown region is refused rather than priced as us-east-1', () => {
    expect(() => monthlyCost({ ...base, region: 'mars-north-1' }, 1)).toThrow(/no prices for region mars-north-1/);
  });
});

describe('properties', () => {
  const rps = fc.double({ min: 0.001, max: 5000, noNaN: true });
  const share = fc.constantFrom(0, 0.1, 0.5, 0.9, 1);
  const peak = fc.double({ min: 1, max: 6, noNaN: true });
  const workloads = fc.constantFrom(
    base,
    cpuScaled,
    { ...base, architecture: 'arm64' as const },
    { ...cpuScaled, network: { natGateway: true, availabilityZones: 2 } },
  );

  test('cost never falls as traffic rises', () => {
    fc.assert(
      fc.property(workloads, rps, rps, share, peak, (workload, a, b, lambdaShare, peakToAverage) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        const at = (requestsPerSecond: number) => monthlyCost({ ...workload, requestsPerSecond, peakToAverage }, lambdaShare).total;
        expect(at(low)).toBeLessThanOrEqual(at(high) + 1e-9);
      }),
    );
  });

  test('the Lambda cost is linear in requests', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e10 }),
        fc.integer({ min: 0, max: 1e10 }),
        fc.integer({ min: 128, max: 10240 }),
        (a, b, memoryMb) => {
          const workload: Workload = { ...base, lambda: { memoryMb, billedMsPerRequest: 7, freeTier: false } };
          expect(lambdaCost(workload, a + b)).toBeCloseTo(lambdaCost(workload, a) + lambdaCost(workload, b), 6);
          expect(lambdaCost(workload, 3 * a)).toBeCloseTo(3 * lambdaCost(workload, a), 6);
        },
      ),
    );
  });

  test('the Fargate cost is a whole number of task-hours, the same for any traffic that needs the same tasks', () => {
    fc.assert(
      fc.property(workloads, rps, peak, (workload, requestsPerSecond, peakToAverage) => {
        const at = { ...workload, requestsPerSecond, peakToAverage };
        const cost = monthlyCost(at, 0);
        const bucketHours = PRICES.hoursPerMonth / 24;
        const tasks = tasksByHour(at, requestsPerSecond, 0);
        expect(cost.taskHours).toBeCloseTo(tasks.reduce((x, y) => x + y, 0) * bucketHours, 6);
        expect(cost.variable.fargate).toBeCloseTo(cost.taskHours * taskHourPrice(at), 6);
        // A little less traffic that needs the same tasks costs Fargate's compute exactly as much.
        const slightlyLess = { ...at, requestsPerSecond: requestsPerSecond * (1 - 1e-7) };
        if (tasksByHour(slightlyLess, slightlyLess.requestsPerSecond, 0).every((n, i) => n === tasks[i]))
          expect(monthlyCost(slightlyLess, 0).variable.fargate).toBe(cost.variable.fargate);
      }),
    );
  });

  test('at the break-even the two totals differ by less than one task-hour', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(
          cpuScaled,
          { ...cpuScaled, architecture: 'arm64' as const },
          { ...cpuScaled, network: { natGateway: true, availabilityZones: 2 } },
        ),
        fc.integer({ min: 1, max: 50 }),
        fc.constantFrom(128, 512, 1024, 3008),
        peak,
        (workload, billedMsPerRequest, memoryMb, peakToAverage) => {
          const priced: Workload = { ...workload, peakToAverage, lambda: { memoryMb, billedMsPerRequest, freeTier: false } };
          const even = breakEven(priced);
          expect(even).toBeDefined();
          const at = { ...priced, requestsPerSecond: even!.requestsPerSecond };
          expect(Math.abs(monthlyCost(at, 1).total - monthlyCost(at, 0).total)).toBeLessThan(taskHourPrice(at));
          expect(even!.requestsPerMonth).toBeCloseTo(requestsPerMonth(even!.requestsPerSecond), 3);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('break-even', () => {
  test('Fargate wins above it and Lambda below it when tasks scale on CPU', () => {
    const even = breakEven(cpuScaled)!;
    const at = (factor: number) => ({ ...cpuScaled, requestsPerSecond: even.requestsPerSecond * factor });
    expect(monthlyCost(at(0.8), 1).total).toBeLessThan(monthlyCost(at(0.8), 0).total);
    expect(monthlyCost(at(1.25), 0).total).toBeLessThan(monthlyCost(at(1.25), 1).total);
    expect(even.lambdaCheaperAgainFrom).toBeUndefined();
  });

  test('a low request-count target can leave Lambda cheaper at every traffic level', () => {
    // 500 requests a minute per 0.25 vCPU task: a request costs more on Fargate than on Lambda.
    expect(breakEven(base)).toBeUndefined();
  });
});
