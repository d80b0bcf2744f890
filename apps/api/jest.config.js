const { collectCoverageFrom } = require('@switchyard/jest-preset/jest-preset');

module.exports = {
  preset: '@switchyard/jest-preset',
  // The entrypoints (and job.ts, local-invoke.ts) run only as built bundles (dist/), which the native, parity, fuzz, loader and
  // local-runner tests drive in child processes; V8 counts none of that here, so they are left out.
  collectCoverageFrom: [
    ...collectCoverageFrom,
    '!src/lambda.ts',
    '!src/lambda-app.ts',
    '!src/server.ts',
    '!src/local.ts',
    '!src/job.ts',
    '!src/local-invoke.ts',
  ],
  // Lines covered by `pnpm test` (the README's Tests section has the figures); a change may not lower it below this.
  coverageThreshold: { global: { lines: 95 } },
};
