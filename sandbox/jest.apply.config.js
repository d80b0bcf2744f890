// The lifecycle tier: both stacks deployed into the sandbox, flipped and destroyed (pnpm test:apply).
module.exports = {
  preset: '@switchyard/jest-preset',
  testMatch: ['<rootDir>/test/**/*.apply.test.ts'],
  testTimeout: 900_000,
};
