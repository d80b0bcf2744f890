// Shared Jest preset: TypeScript through SWC (no type-checking in tests; `typecheck` does that, faster).
const swc = [
  require.resolve('@swc/jest'),
  {
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
  },
];

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
  // typebox 1.x ships only ES modules, which Jest's CommonJS runtime cannot load untransformed.
  transform: { '^.+\\.(ts|mjs)$': swc },
  transformIgnorePatterns: ['/node_modules/(?!(\\.pnpm/[^/]+/node_modules/)?(typebox|@fastify/type-provider-typebox)/)'],
  moduleFileExtensions: ['ts', 'mjs', 'js', 'json'],
};
