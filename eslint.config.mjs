import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** What the domain must never import: it stays plain functions and types, runnable anywhere. */
export const FRAMEWORK_AND_CLOUD_IMPORTS = [
  'fastify',
  'fastify-*',
  '@fastify/*',
  'aws-lambda',
  'aws-sdk',
  'aws-cdk-lib',
  '@aws-sdk/*',
  '@aws-lambda-powertools/*',
  'cdktf',
  'cdktf-*',
  '@cdktf/*',
  'constructs',
];

/** Product code never imports test support: what a command or a construct needs lives in src/. */
const TEST_SUPPORT_IMPORTS = {
  group: ['**/test/support/*', '**/test/support'],
  message: 'Product code must not import test support (test/support/); move what it needs into src/.',
};

export default defineConfig(
  {
    ignores: ['**/dist/**', '**/node_modules/**', '**/coverage/**', '**/cdktf.out/**', '**/.turbo/**', '**/.cache/**', 'cost/artifacts/**'],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // A promise nobody awaits loses its rejection; a promise where a callback's return is ignored
    // (an async listener) does too. Both need type information.
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['packages/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: FRAMEWORK_AND_CLOUD_IMPORTS,
              message: 'packages/domain stays pure: no framework, AWS or CDKTF imports. Put adapters in apps/.',
            },
            TEST_SUPPORT_IMPORTS,
          ],
        },
      ],
    },
  },
  {
    // Product code never depends on test support: what a command or a construct needs lives beside it.
    // (The domain's own rule, above, includes this pattern: one rule's settings replace another's.)
    files: ['*/src/**/*.ts', '*/*/src/**/*.ts', 'infra/scripts/**/*.ts'],
    ignores: ['**/*.test.ts', 'packages/domain/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [TEST_SUPPORT_IMPORTS] }] },
  },
);
