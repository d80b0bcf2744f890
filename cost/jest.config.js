const { collectCoverageFrom } = require('@switchyard/jest-preset/jest-preset');

module.exports = {
  preset: '@switchyard/jest-preset',
  // cli.ts and chart.ts run in the child processes cli.test.ts starts (Vega ships only ES modules,
  // which Jest's CommonJS runtime cannot load); V8 counts none of that here.
  collectCoverageFrom: [...collectCoverageFrom, '!src/cli.ts', '!src/chart.ts'],
  coverageThreshold: { global: { lines: 95 } },
};
