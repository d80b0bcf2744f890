import { ENVIRONMENTS } from '@switchyard/infra/environments';
import { monthlyCost, type Workload } from './model';
import { buildReport, formatReport } from './report';
import { DEV_WORKLOAD } from './test-workload';
import type { PricedWorkload } from './workload';

const level = (requestsPerSecond: number, requestsPerTaskPerMinute = 500): Workload => ({
  ...DEV_WORKLOAD,
  requestsPerSecond,
  peakToAverage: 2,
  fargate: { ...DEV_WORKLOAD.fargate, requestsPerTaskPerMinute },
});
const priced = (levels: Workload[]): PricedWorkload => ({
  environment: ENVIRONMENTS.dev!,
  levels,
  sources: { billedMsPerRequest: 'given', requestsPerVcpuSecond: 'given' },
});

describe('the cost report', () => {
  test('names the cheaper compute at each level, with the flip that follows and what a canary costs an hour', () => {
    const report = buildReport(priced([level(1), level(50)]));
    for (const row of report.levels) {
      const lambda = monthlyCost(level(row.requestsPerSecond), 1).total;
      const fargate = monthlyCost(level(row.requestsPerSecond), 0).total;
      expect(row.cheaper).toBe(fargate < lambda ? 'fargate' : 'lambda');
      expect(row.recommendation).toBe(
        `${row.cheaper === 'lambda' ? 'Lambda' : 'Fargate'} is cheaper by $${Math.abs(lambda - fargate).toFixed(2)} a month: pnpm flip dev ${row.cheaper}`,
      );
      expect(row.canaryPerHour['90/10'].cost).toBeCloseTo(row.splits['90/10'].total / 730, 9);
      expect(row.canaryPerHour['50/50'].overLambda).toBeCloseTo((row.splits['50/50'].total - lambda) / 730, 9);
    }
  });

  test('warns when the traffic needs more tasks than the environment allows', () => {
    const [quiet, busy] = buildReport(priced([level(1), level(50)])).levels;
    expect(quiet!.warnings).toEqual([]);
    // 50 req/s at a peak of 2 is 100 req/s; at 500 requests a task a minute that is 12 tasks.
    expect(busy!.warnings).toEqual([
      'Fargate needs 12 tasks at the busiest hour, and dev allows at most 2 (fargate.maxTasks in infra/src/config/environments.ts).',
    ]);
  });

  test('when the request-count target binds, also says what the break-even would be on the CPU target, and the setting that gets there', () => {
    const report = buildReport(priced([level(10)]));
    expect(report.fargate.taskAbsorbs.boundBy).toBe('requests');
    expect(report.breakEven).toBeNull();
    expect(report.breakEvenOnCpuTarget?.requestsPerSecond).toBeGreaterThan(0);
    expect(report.requestsPerTaskForCpuTarget).toBe(Math.ceil(50_000 * 0.25 * 0.6 * 60));
    const text = formatReport(report);
    expect(text).toContain('Break-even: none between 0.001 and 1,000,000 req/s; Lambda is cheaper throughout.');
    expect(text).toMatch(
      /With tasks added on the CPU target alone \(fargate\.targetRequestsPerTask of 450,000 or more\): break-even at [\d.]+ req\/s/,
    );

    const onCpu = buildReport(priced([level(10, 1e9)]));
    expect(onCpu.fargate.taskAbsorbs.boundBy).toBe('cpu');
    expect(onCpu.breakEvenOnCpuTarget).toBeUndefined();
    expect(formatReport(onCpu)).toMatch(
      /Break-even: [\d.]+ req\/s on average, [\d.]+ M requests a month, at \$[\d.]+ a month either way\./,
    );
  });
});
