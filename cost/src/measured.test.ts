import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { billedMs, BENCH_RESULTS, readMeasuredCosts } from './measured';

describe("the bench's measures as defaults", () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'switchyard-cost-measured-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('come from the committed bench results: the handler on one core, and the server CPU per request', () => {
    const measured = readMeasuredCosts();
    expect(measured.source).toBe('bench/results/latest.json');
    expect(BENCH_RESULTS.endsWith(join('bench', 'results', 'latest.json'))).toBe(true);
    // A request costs tens of microseconds on either compute here, not milliseconds.
    expect(measured.lambdaCpuMsPerRequest).toBeGreaterThan(0.001);
    expect(measured.lambdaCpuMsPerRequest).toBeLessThan(1);
    expect(measured.requestsPerVcpuSecond).toBeGreaterThan(1_000);
  });

  test('results without the rows needed say which row, and how to make it', () => {
    const path = join(dir, 'latest.json');
    writeFileSync(path, JSON.stringify({ suites: [{ suite: 'http', measuredAt: 'x', rows: [] }] }));
    expect(() => readMeasuredCosts(path)).toThrow('have no "Lambda: switchyard handler, ALB event" row; run pnpm bench --only http,lambda');
    expect(() => readMeasuredCosts(join(dir, 'absent.json'))).toThrow(
      /cannot read the bench results .*run pnpm bench, or pass --duration-ms and --rps-per-vcpu/,
    );
  });

  test('Lambda bills at least a millisecond, rounded up, with CPU in proportion to memory up to one vCPU at 1,769 MB', () => {
    expect(billedMs(0.01, 128)).toBe(1);
    expect(billedMs(1, 1769)).toBe(1);
    expect(billedMs(1.001, 1769)).toBe(2);
    expect(billedMs(1, 884.5)).toBe(2);
    expect(billedMs(1, 3538)).toBe(1);
  });
});
