import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';

const REPOSITORY_ROOT = join(__dirname, '..', '..');
const ESLINT_BIN = join(dirname(require.resolve('eslint/package.json')), 'bin', 'eslint.js');

/** The lines the repository's real ESLint config rejects as test-support imports, for `code` linted as `file`. */
function testSupportImportLines(file: string, code: string): number[] {
  let stdout: string;
  try {
    stdout = execFileSync(process.execPath, [ESLINT_BIN, '--format', 'json', '--stdin', '--stdin-filename', file], {
      cwd: REPOSITORY_ROOT,
      input: code,
      encoding: 'utf8',
    });
  } catch (err) {
    // ESLint exits 1 when it reports errors; the report is still on stdout.
    stdout = (err as { stdout: string }).stdout;
  }
  const [result] = JSON.parse(stdout) as Array<{ messages: Array<{ ruleId: string; line: number; message: string; fatal?: boolean }> }>;
  const fatal = result?.messages.find((m) => m.fatal);
  if (fatal) throw new Error(`ESLint could not lint the example: ${fatal.message}`);
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports' && /test support/.test(m.message)).map((m) => m.line);
}

const IMPORTS =
  "import { synthStack } from '../test/support/synth-stack';\nimport { x } from '../test/support';\nexport { synthStack, x };\n";

// Files the TypeScript project holds, so the type-aware rules can lint the example in their place.
describe('product code never imports test support', () => {
  test('lint rejects a test-support import in product code', () => {
    expect(testSupportImportLines(join(__dirname, 'main.ts'), IMPORTS)).toEqual([1, 2]);
  });

  test('lint lets a test import test support', () => {
    expect(testSupportImportLines(join(__dirname, 'image-source.test.ts'), IMPORTS)).toEqual([]);
  });
});
