import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPOSITORY_ROOT } from '../paths';
import { SAFETY_NET_RESULTS, safetyNetClaim, withSafetyNetClaim, type SafetyNetResults } from './safety-net';

const drilled: SafetyNetResults = {
  measuredAt: '2026-12-02T22:00:00.000Z',
  rate: 20,
  bakeMinutes: 2,
  flipExitCode: 3,
  frozenAtSeconds: 100.2,
  verdictAtSeconds: 330.5,
  rolledBackAtSeconds: 331.9,
  requests: 9000,
  failed: 420,
  failedByOutcome: { timeout: 0, 'server-error': 420, reset: 0, 'client-error': 0 },
  failedAfterRollback: 0,
  bound: 960,
  verdict: [],
  startedAt: '2026-12-02T21:55:00.000Z',
};

test("the README's sentence says how the flip ended, how soon, and the requests lost against their bound", () => {
  expect(safetyNetClaim(drilled)).toBe(
    'with the Fargate tasks frozen while the first step (10%) was judged, pnpm flip rolled back to Lambda by itself ' +
      '232 s after the freeze (a 2-minute bake); 420 of 9,000 requests failed, within the 960 the bake window bounds',
  );
  expect(safetyNetClaim({ ...drilled, flipExitCode: 4 })).toContain('pnpm flip exited 4 ');
  expect(() => withSafetyNetClaim('no markers', drilled)).toThrow(/safety-net-claim/);
});

test("the README's sentence is the last drill's figures", () => {
  // Written by pnpm drill --only safety-net: the README must not claim what the figures do not say.
  expect(existsSync(SAFETY_NET_RESULTS)).toBe(true);
  const results = JSON.parse(readFileSync(SAFETY_NET_RESULTS, 'utf8')) as SafetyNetResults;
  const readme = readFileSync(join(REPOSITORY_ROOT, 'README.md'), 'utf8');
  expect(withSafetyNetClaim(readme, results)).toBe(readme);
});
