/*
 * pnpm infra:hcl [environment ...] [--out <dir>]
 *
 * Writes each stack as plain Terraform HCL into <dir>/<environment>/ (default infra/hcl/): the
 * way out of CDKTF, whose upstream is archived. The stacks are synthesized as `cdktf synth` does,
 * then written by src/hcl/render-hcl.ts (why not `cdktf synth --hcl`: see there). Needs the
 * terraform CLI: the AWS provider's schema tells nested blocks from arguments, and `terraform fmt`
 * formats the files.
 */
import { App } from 'cdktf';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { configurationProblems, defineStacks } from '../src/app';
import { ENVIRONMENTS } from '../src/config/environments';
import { providerSchemas } from '../src/hcl/provider-schema';
import type { SynthesizedStack } from '../src/stacks/synthesized-stack';
import { writeHcl } from '../src/hcl/write-hcl';
import { parseCommandLine } from '../src/cli/command-line';
import { offlineTerraform } from '../src/terraform/provider-mirror';
import { runTerraform } from '../src/terraform/terraform-runner';

const REPOSITORY_ROOT = join(__dirname, '..', '..');
const USAGE = `usage: pnpm infra:hcl [${Object.keys(ENVIRONMENTS).join(' | ')} ...] [--out <dir>]  (default: every environment, into infra/hcl/)`;

function fail(message: string): never {
  console.error(`infra:hcl: ${message}`);
  process.exit(2);
}

const { values, positionals: args } = parseCommandLine(process.argv.slice(2), { out: { type: 'string' } }, (m) => fail(`${m}. ${USAGE}`), {
  out: 'a directory',
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
// pnpm runs this in infra/; a relative path means one relative to where the user typed it.
const outRoot = values.out
  ? isAbsolute(values.out)
    ? values.out
    : resolve(process.env.INIT_CWD ?? process.cwd(), values.out)
  : join(REPOSITORY_ROOT, 'infra', 'hcl');
const wanted = args.map((a) => a.replace(/^switchyard-/, ''));
const unknown = wanted.filter((name) => !(name in ENVIRONMENTS));
if (unknown.length) fail(`no environment named ${unknown.join(', ')}. ${USAGE}`);
const environments = wanted.length ? [...new Set(wanted)] : Object.keys(ENVIRONMENTS);

const problems = configurationProblems();
if (problems.length) fail(`invalid environment configuration (infra/src/config/environments.ts):\n  ${problems.join('\n  ')}`);
try {
  runTerraform(['version']);
} catch {
  fail('the terraform CLI is not on PATH; install Terraform 1.9 or later (https://developer.hashicorp.com/terraform/install)');
}

const work = mkdtempSync(join(tmpdir(), 'switchyard-hcl-'));
try {
  // The provider from a local mirror where there is one (these machines); otherwise Terraform's own
  // settings, which download it from the registry.
  const offline = offlineTerraform(work);
  const env = offline.available ? offline.env : process.env;
  const outdir = join(work, 'cdktf.out');
  const app = new App({ outdir });
  defineStacks(app, { repositoryRoot: REPOSITORY_ROOT, env: process.env });
  app.synth();

  let schemas: ReturnType<typeof providerSchemas> | undefined;
  for (const name of environments) {
    const stackName = `switchyard-${name}`;
    const stack = JSON.parse(readFileSync(join(outdir, 'stacks', stackName, 'cdk.tf.json'), 'utf8')) as SynthesizedStack;
    schemas ??= providerSchemas((stack.terraform?.required_providers ?? {}) as Record<string, unknown>, work, env);
    const outDir = join(outRoot, name);
    const written = writeHcl({ stack, stackName, outDir, repositoryRoot: REPOSITORY_ROOT, schemas, env });
    const total = written.files.reduce((sum, f) => sum + f.bytes, 0);
    console.log(
      `${stackName} → ${relative(process.env.INIT_CWD ?? process.cwd(), outDir) || '.'}/ (${written.files.length} files, ${total} bytes)`,
    );
    for (const file of written.files) console.log(`  ${file.name.padEnd(36)} ${String(file.bytes).padStart(7)} bytes`);
    for (const file of written.removed) console.log(`  ${file.padEnd(36)} removed (no longer in the stack)`);
    for (const file of written.kept) console.log(`  ${file.padEnd(36)} kept (not written by infra:hcl)`);
  }
  console.log('\nNext: cd into a directory, then terraform init, terraform plan. README.md, "Leaving CDKTF", says what changes.');
} catch (err) {
  fail((err as Error).message);
} finally {
  rmSync(work, { recursive: true, force: true });
}
