import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';

const REPO_ROOT = join(__dirname, '..', '..', '..');
const ESLINT_BIN = join(dirname(require.resolve('eslint/package.json')), 'bin', 'eslint.js');

/** Lints `code` with the repository's real ESLint CLI and config, as a file of the domain package (named after one the TypeScript project holds, for the type-aware rules). */
function restrictedImportLines(code: string): number[] {
  let stdout: string;
  try {
    stdout = execFileSync(process.execPath, [ESLINT_BIN, '--format', 'json', '--stdin', '--stdin-filename', join(__dirname, 'work.ts')], {
      cwd: REPO_ROOT,
      input: code,
      encoding: 'utf8',
    });
  } catch (err) {
    // ESLint exits 1 when it reports errors; the report is still on stdout.
    stdout = (err as { stdout: string }).stdout;
  }
  const [result] = JSON.parse(stdout) as Array<{ messages: Array<{ ruleId: string; line: number; message: string; fatal?: boolean }> }>;
  // A file ESLint could not parse reports no rule at all; that must not pass for clean code.
  const fatal = result?.messages.find((m) => m.fatal);
  if (fatal) throw new Error(`ESLint could not lint the example: ${fatal.message}`);
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports' && /stays pure/.test(m.message)).map((m) => m.line);
}

describe('the domain stays free of framework and cloud code', () => {
  test('lint rejects every framework, AWS and CDKTF import', () => {
    const forbidden = [
      'fastify',
      '@fastify/aws-lambda',
      'aws-lambda',
      '@aws-sdk/client-s3',
      'cdktf',
      '@cdktf/provider-aws/lib/ecr-repository',
      'constructs',
    ];
    const imports = forbidden.map((module, i) => `import * as m${i} from '${module}';`);
    expect(restrictedImportLines(`${imports.join('\n')}\nexport {};\n`)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  test('lint accepts Node built-ins and the domain’s own modules', () => {
    expect(
      restrictedImportLines(
        "import { randomUUID } from 'node:crypto';\nimport { hello } from './greetings';\nexport { randomUUID, hello };\n",
      ),
    ).toEqual([]);
  });
});
