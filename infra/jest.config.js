module.exports = {
  preset: '@switchyard/jest-preset',
  // cdktf's matchers: toHaveResourceWithProperties and friends.
  setupFilesAfterEnv: ['<rootDir>/jest.setup.js'],
};
