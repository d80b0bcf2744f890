// Shared Jest preset: TypeScript through SWC (no type-checking in tests; `typecheck` does that, faster).
const swc = [
  require.resolve('@swc/jest'),
  {
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
  },
];

// typebox 1.x, and cookie 2 (through light-my-request, behind app.inject).
const ESM_ONLY = ['typebox', '@fastify/type-provider-typebox', 'cookie'];

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
  transform: { '^.+\\.(ts|mjs|js)$': swc },
  // Bundles under dist/ are tested as built. These ship only ES modules, which Jest's CommonJS runtime cannot load untransformed on Node < 24.9.
  transformIgnorePatterns: [`/node_modules/(?!(\\.pnpm/[^/]+/node_modules/)?(${ESM_ONLY.join('|')})/)`, '<rootDir>/dist/'],
  moduleFileExtensions: ['ts', 'mjs', 'js', 'json'],
  // Coverage (when a package runs jest --coverage): V8's own counters, no instrumentation; the
  // figure is printed, and each package's jest.config.js sets the floor it must keep.
  coverageProvider: 'v8',
  collectCoverageFrom: ['src/**/*.ts', '!src/**/*.test.ts'],
  coverageReporters: ['text-summary'],
  // Generous: a test must not fail because a busy machine is slow. Timing goals live in pnpm bench.
  testTimeout: 60_000,
  globalSetup: require.resolve('./global-setup.js'),
  globalTeardown: require.resolve('./global-teardown.js'),
};
