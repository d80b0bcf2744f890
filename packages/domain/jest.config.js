module.exports = {
  preset: '@switchyard/jest-preset',
  // Lines covered by `pnpm test` (the README's Tests section has the figures); a change may not lower it below this.
  coverageThreshold: { global: { lines: 95 } },
};
