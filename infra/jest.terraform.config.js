// The offline terraform tier: the real terraform CLI and provider mirror (validate, plan, cdktf's
// matchers and CLI, terraform test, the apply-order graphs). Slow, so it is its own turbo task.
module.exports = {
  preset: '@switchyard/jest-preset',
  setupFilesAfterEnv: ['<rootDir>/jest.setup.js'],
  testMatch: ['<rootDir>/src/**/*.terraform.test.ts'],
};
