/** The container tier only: run by scripts/test-container.sh once the image is built, never by `pnpm test`. */
module.exports = {
  preset: '@switchyard/jest-preset',
  testMatch: ['<rootDir>/test/**/*.container.test.ts'],
  testTimeout: 60_000,
};
