import { ENVIRONMENTS } from '../config/environments';
import { minRequestsPerPeriod } from './compute-health';

describe('minRequestsPerPeriod: the requests a one-minute period needs before an alarm judges it', () => {
  test.each([
    [50, 2, 25],
    [200, 5, 40],
    [7, 2, 4],
    [1, 5, 1],
    [60, 1, 60],
  ])('%i requests over a %i-minute bake: %i a period', (minRequests, bakeMinutes, expected) => {
    expect(minRequestsPerPeriod({ minRequests, bakeMinutes })).toBe(expected);
  });

  test.each(Object.values(ENVIRONMENTS))('$name: traffic that meets it every period of a bake meets the flip minimum too', (env) => {
    const perPeriod = minRequestsPerPeriod(env.safetyNet);
    expect(perPeriod * env.safetyNet.bakeMinutes).toBeGreaterThanOrEqual(env.safetyNet.minRequests);
    expect((perPeriod - 1) * env.safetyNet.bakeMinutes).toBeLessThan(env.safetyNet.minRequests);
  });
});
