module.exports = {
  preset: '@switchyard/jest-preset',
  // cdktf's matchers: toHaveResourceWithProperties and friends.
  setupFilesAfterEnv: ['<rootDir>/jest.setup.js'],
  // The offline terraform tier runs as its own task, test:terraform (jest.terraform.config.js).
  testPathIgnorePatterns: ['/node_modules/', '\\.terraform\\.test\\.ts$'],
};
