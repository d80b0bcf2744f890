module.exports = {
  preset: '@switchyard/jest-preset',
  // The lifecycle tier deploys whole stacks; it runs on its own (test:apply).
  testPathIgnorePatterns: ['/node_modules/', '\\.apply\\.test\\.ts$'],
};
