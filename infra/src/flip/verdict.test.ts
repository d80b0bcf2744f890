import fc from 'fast-check';
import { ENVIRONMENTS, type Compute } from '../config/environments';
import { decide, describeVerdict, judge, splitBefore, type ComputeNumbers, type Limits, type StepWindow } from './verdict';

const dev = ENVIRONMENTS.dev!.safetyNet;

const limitsArb: fc.Arbitrary<Limits> = fc.record({
  maxErrorRate: fc.double({ min: 0, max: 0.5, noNaN: true }),
  maxP99Ms: fc.integer({ min: 1, max: 10_000 }),
  minRequests: fc.integer({ min: 1, max: 1000 }),
  maxErrorRateIncrease: fc.double({ min: 0, max: 0.5, noNaN: true }),
  maxP99Ratio: fc.double({ min: 1, max: 5, noNaN: true }),
  relativeP99FloorMs: fc.integer({ min: 0, max: 1000 }),
});

const numbersArb = (maxRequests = 5000): fc.Arbitrary<ComputeNumbers> =>
  fc.integer({ min: 0, max: maxRequests }).chain((requests) =>
    fc.record({
      requests: fc.constant(requests),
      errors: fc.integer({ min: 0, max: requests }),
      p99Ms: requests === 0 ? fc.constant(undefined) : fc.double({ min: 0, max: 20_000, noNaN: true }),
    }),
  );

const windowArb = (candidate: fc.Arbitrary<ComputeNumbers> = numbersArb()): fc.Arbitrary<StepWindow> =>
  fc
    .record({ candidate: fc.constantFrom<Compute>('lambda', 'fargate'), mine: candidate, theirs: numbersArb(), elb5xx: fc.nat(50) })
    .map(({ candidate: compute, mine, theirs, elb5xx }) => ({
      candidate: compute,
      computes: compute === 'lambda' ? { lambda: mine, fargate: theirs } : { lambda: theirs, fargate: mine },
      loadBalancer: { requests: mine.requests + theirs.requests + elb5xx, elb5xx },
    }));

const healthy = (requests: number, p99Ms = 40): ComputeNumbers => ({ requests, errors: 0, p99Ms });

describe('the verdict on a flip step', () => {
  test('never passes a compute that served fewer requests than the minimum', () => {
    fc.assert(
      fc.property(limitsArb, fc.integer({ min: 0, max: 999 }), windowArb(), (limits, requests, window) => {
        fc.pre(requests < limits.minRequests);
        const candidate = window.candidate;
        const few = { ...window, computes: { ...window.computes, [candidate]: healthy(requests) } };
        expect(judge(few, limits).kind).not.toBe('pass');
      }),
    );
  });

  test('a breach of an absolute limit always fails the step, and a failed step always goes back to the split before it', () => {
    fc.assert(
      fc.property(limitsArb, windowArb(), fc.integer({ min: 0, max: 100 }), (limits, window, previous) => {
        const mine = window.computes[window.candidate];
        const breached =
          mine.requests >= limits.minRequests &&
          ((mine.requests > 0 && mine.errors / mine.requests > limits.maxErrorRate) || (mine.p99Ms ?? 0) > limits.maxP99Ms);
        fc.pre(breached);
        const verdict = judge(window, limits);
        expect(verdict.kind).toBe('fail');
        for (const onInconclusive of ['hold', 'rollback'] as const)
          expect(decide(verdict, previous, onInconclusive)).toEqual({ action: 'rollback', lambdaWeight: previous });
      }),
    );
  });

  test('a rollback restores the split the failed step started from', () => {
    const plan = fc.uniqueArray(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100 }), plan, fc.nat(), (start, weights, pick) => {
        const index = pick % weights.length;
        const restored = splitBefore(start, weights, index);
        // Rolling back the first step is where the flip began; any later one is where the step before it left traffic.
        expect(restored).toBe(index === 0 ? start : weights[index - 1]);
      }),
    );
  });

  test('fewer errors never turn a passing step into a failing one', () => {
    fc.assert(
      fc.property(limitsArb, windowArb(), (limits, window) => {
        const before = judge(window, limits).kind;
        const mine = window.computes[window.candidate];
        const better = {
          ...window,
          computes: { ...window.computes, [window.candidate]: { ...mine, errors: Math.floor(mine.errors / 2) } },
        };
        if (before === 'pass') expect(judge(better, limits).kind).toBe('pass');
      }),
    );
  });

  test('an inconclusive step holds or rolls back as the environment says, and never goes on', () => {
    fc.assert(
      fc.property(limitsArb, windowArb(), fc.integer({ min: 0, max: 100 }), (limits, window, previous) => {
        const verdict = judge(window, limits);
        fc.pre(verdict.kind === 'inconclusive');
        expect(decide(verdict, previous, 'hold')).toEqual({ action: 'hold' });
        expect(decide(verdict, previous, 'rollback')).toEqual({ action: 'rollback', lambdaWeight: previous });
      }),
    );
  });

  test('a handful of errors that already break the limit fail the step before the minimum is reached', () => {
    // 10 failures in 20 requests: even if the next 30 of dev's 50 succeeded, 20% would break 5%.
    const verdict = judge(
      {
        candidate: 'fargate',
        computes: { fargate: { requests: 20, errors: 10, p99Ms: 30 }, lambda: healthy(400) },
        loadBalancer: { requests: 420, elb5xx: 0 },
      },
      dev,
    );
    expect(verdict.kind).toBe('fail');
    expect(verdict.findings[0]).toMatchObject({ check: 'fargate error rate', ok: false });
  });

  test('the new compute is judged against the old one in the same window', () => {
    const slower = judge(
      {
        candidate: 'fargate',
        computes: { fargate: healthy(500, 900), lambda: healthy(500, 300) },
        loadBalancer: { requests: 1000, elb5xx: 0 },
      },
      dev,
    );
    // 900 ms is under dev's 2,000 ms limit, but three times Lambda's 300 ms (at most 2×).
    expect(slower.kind).toBe('fail');
    expect(describeVerdict(slower)[1]).toMatch(
      /^ {2}FAIL fargate p99 against lambda's\s+900 ms vs 300 ms\s+\(at most 2× when over 250 ms\)$/,
    );
    // Both fast: a ratio between two small numbers says nothing.
    const bothFast = judge(
      {
        candidate: 'fargate',
        computes: { fargate: healthy(500, 120), lambda: healthy(500, 20) },
        loadBalancer: { requests: 1000, elb5xx: 0 },
      },
      dev,
    );
    expect(bothFast.kind).toBe('pass');
  });

  test("the load balancer's own 5XX count against the step", () => {
    const timeouts = judge(
      { candidate: 'fargate', computes: { fargate: healthy(100), lambda: healthy(900) }, loadBalancer: { requests: 1100, elb5xx: 100 } },
      dev,
    );
    expect(timeouts.kind).toBe('fail');
    expect(describeVerdict(timeouts)[1]).toMatch(/^ {2}FAIL load balancer's own 5XX\s+9\.09% \(100 of 1100\)\s+\(at most 5\.00%\)$/);
  });

  test('prints every check with its value and limit, and says LOW for too little data', () => {
    const lines = describeVerdict(
      judge({ candidate: 'lambda', computes: { lambda: healthy(3), fargate: healthy(0) }, loadBalancer: { requests: 3, elb5xx: 0 } }, dev),
    );
    expect(lines[0]).toBe('verdict: INCONCLUSIVE');
    expect(lines[1]).toMatch(/^ {2}LOW {2}lambda requests\s+3 {2}\(at least 50\)$/);
  });

  test('splitBefore refuses a step the flip does not have', () => {
    expect(() => splitBefore(100, [90, 50], 2)).toThrow('no step 3 in a flip of 2');
  });
});
