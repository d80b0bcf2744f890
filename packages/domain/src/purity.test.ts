import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';

const REPO_ROOT = join(__dirname, '..', '..', '..');
const ESLINT_BIN = join(dirname(require.resolve('eslint/package.json')), 'bin', 'eslint.js');

/** Lints `code` with the repository's real ESLint CLI and config, as a file of the domain package. */
function restrictedImportLines(code: string): number[] {
  let stdout: string;
  try {
    stdout = execFileSync(process.execPath, [ESLINT_BIN, '--format', 'json', '--stdin', '--stdin-filename', join(__dirname, 'example.ts')], {
      cwd: REPO_ROOT,
      input: code,
      encoding: 'utf8',
    });
  } catch (err) {
    // ESLint exits 1 when it reports errors; the report is still on stdout.
    stdout = (err as { stdout: string }).stdout;
  }
  const [result] = JSON.parse(stdout) as Array<{ messages: Array<{ ruleId: string; line: number; message: string }> }>;
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports' && /stays pure/.test(m.message)).map((m) => m.line);
}

describe('the domain stays free of framework and cloud code', () => {
  test('lint rejects every framework, AWS and CDKTF import', () => {
    const forbidden = [
      "import Fastify from 'fastify';",
      "import awsLambdaFastify from '@fastify/aws-lambda';",
      "import type { Context } from 'aws-lambda';",
      "import { S3Client } from '@aws-sdk/client-s3';",
      "import { TerraformStack } from 'cdktf';",
      "import { EcrRepository } from '@cdktf/provider-aws/lib/ecr-repository';",
      "import { Construct } from 'constructs';",
    ];
    expect(restrictedImportLines(`${forbidden.join('\n')}\nexport {};\n`)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  test('lint accepts Node built-ins and the domain’s own modules', () => {
    expect(restrictedImportLines("import { randomUUID } from 'node:crypto';\nimport { hello } from './greetings';\nexport { randomUUID, hello };\n")).toEqual(
      [],
    );
  });
});
