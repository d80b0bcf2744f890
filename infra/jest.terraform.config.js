// The offline terraform tier: the real terraform CLI and provider mirror (validate, plan, cdktf's
// matchers and CLI, terraform test, the apply-order graphs). Slow, so it is its own turbo task.
module.exports = {
  preset: '@switchyard/jest-preset',
  setupFilesAfterEnv: ['<rootDir>/jest.setup.js'],
  testMatch: ['<rootDir>/{src,test}/**/*.terraform.test.ts'],
  // Jest's default is one worker per core less one: a single worker on a 2-core machine. Each file
  // here waits on terraform child processes about half the time, so two files at once use both cores.
  maxWorkers: 2,
};
