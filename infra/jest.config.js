module.exports = {
  preset: '@switchyard/jest-preset',
  // Lines covered by `pnpm test` (the README's Tests section has the figures); a change may not lower it below this.
  coverageThreshold: { global: { lines: 70 } },
  // Test support (test/support/, the terraform tier's suites among it) lives outside src/, so it is not counted.
  collectCoverageFrom: ['src/**/*.ts', '!src/**/*.test.ts'],
  // cdktf's matchers: toHaveResourceWithProperties and friends.
  setupFilesAfterEnv: ['<rootDir>/jest.setup.js'],
  // The offline terraform tier runs as its own task, test:terraform (jest.terraform.config.js).
  testPathIgnorePatterns: ['/node_modules/', '\\.terraform\\.test\\.ts$'],
};
