import { spawnSync } from 'node:child_process';
import { mkdtempSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AWS_PROVIDER_VERSION, offlineTerraform } from './provider-mirror';
import { runTerraform, runTerraformAsync, TerraformError, type TerraformOptions } from './terraform-runner';

// The real terraform CLI; only the last test also needs the provider mirror.
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'switchyard-runner-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const write = (name: string, content: string) => writeFileSync(join(dir, name), content);
// A configuration that needs no provider, so no init: plan evaluates it straight away.
const GREETING = 'variable "greeting" {\n  type = string\n}\noutput "said" {\n  value = "${var.greeting}, world"\n}\n';

describe.each([
  ['runTerraform', async (args: string[], options?: TerraformOptions) => runTerraform(args, options)],
  ['runTerraformAsync', runTerraformAsync],
])('%s', (_name, run) => {
  test('runs terraform and hands back its stdout: `version -json` parses', async () => {
    const result = await run(['version', '-json']);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ terraform_version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
  });

  test('a failing command throws an error that names the command, its directory and exit code, and carries stderr', async () => {
    const failure = await run(['show', '-json', 'no-such.plan'], { dir }).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(TerraformError);
    const error = failure as TerraformError;
    expect(error.command).toBe(`terraform show -json no-such.plan (in ${dir})`);
    expect(error.status).toBe(1);
    expect(error.message).toContain(`terraform show -json no-such.plan (in ${dir}) failed with exit code 1:`);
    expect(error.message).toContain('no-such.plan: no such file or directory');
    // Without colour: the message reads the same in a log as on a terminal.
    expect(error.stderr).toContain('Error: Failed to read the given file as a state or plan file');
    expect(error.message).not.toContain('\u001b[');
  });

  test('with allowFailure a failing run is returned, status and stderr included', async () => {
    const result = await run(['show', '-json', 'no-such.plan'], { dir, allowFailure: true });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('no such file or directory');
  });

  test('runs in the directory given and passes vars as TF_VAR_ variables', async () => {
    write('main.tf', GREETING);
    const planned = await run(['plan', '-input=false'], { dir, vars: { greeting: 'hello' } });
    expect(planned.stdout).toContain('said = "hello, world"');
    const refused = await run(['plan', '-input=false'], { dir, allowFailure: true });
    // TF_INPUT=0: no prompt for the missing variable, a refusal instead.
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/No value for required variable/);
  });

  test('writes input to terraform: `fmt -` formats what it is given', async () => {
    expect((await run(['fmt', '-'], { input: 'a   =    1\n' })).stdout).toBe('a = 1\n');
  });

  test('when terraform is not on PATH, it says so', async () => {
    const failure = await run(['version'], { env: { PATH: '/nonexistent' } }).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(TerraformError);
    expect((failure as TerraformError).status).toBeUndefined();
    expect((failure as TerraformError).message).toBe('terraform version could not start: the terraform CLI is not on PATH');
  });
});

test('a failure terraform reports on stdout is in the error too, and of a long report only the end', () => {
  // `terraform fmt -check` lists the files it would change on stdout, and exits 3.
  for (let i = 0; i < 40; i++) write(`file-${String(i).padStart(2, '0')}.tf`, 'a   =   1\n');
  const error = (() => {
    try {
      runTerraform(['fmt', '-check'], { dir });
    } catch (err) {
      return err as TerraformError;
    }
    throw new Error('terraform fmt -check passed');
  })();
  expect(error.status).toBe(3);
  expect(error.message).toContain('file-39.tf');
  expect(error.message).not.toContain('file-00.tf');
  expect(error.message).toContain('…');
});

const offline = offlineTerraform();
(offline.available ? test : test.skip)(
  'with offlineTerraform().env, init takes the AWS provider from the mirror, with no network',
  () => {
    if (!offline.available) return;
    write(
      'versions.tf.json',
      JSON.stringify({ terraform: { required_providers: { aws: { source: 'hashicorp/aws', version: AWS_PROVIDER_VERSION } } } }),
    );
    const init = runTerraform(['init', '-backend=false', '-input=false'], { dir, env: offline.env });
    expect(init.stdout).toContain(`Installing hashicorp/aws v${AWS_PROVIDER_VERSION}`);
    // An unpacked filesystem mirror is linked, not copied.
    const installed = join(
      dir,
      '.terraform',
      'providers',
      'registry.terraform.io',
      'hashicorp',
      'aws',
      AWS_PROVIDER_VERSION,
      'linux_amd64',
    );
    expect(readlinkSync(installed)).toMatch(
      new RegExp(`/registry\\.terraform\\.io/hashicorp/aws/${AWS_PROVIDER_VERSION.replace(/\./g, '\\.')}/linux_amd64$`),
    );
  },
  120_000,
);

test("with stderr 'inherit', terraform's stderr goes to this process's own, and stdout is still read", () => {
  // A process of its own, so that what reaches its stderr can be read.
  const script = `
    const { runTerraform } = require('./src/terraform/terraform-runner');
    const result = runTerraform(['show', '-json', 'no-such.plan'], { dir: ${JSON.stringify(dir)}, stderr: 'inherit', allowFailure: true });
    console.log(JSON.stringify(result));
  `;
  const child = spawnSync(process.execPath, [require.resolve('tsx/cli'), '-e', script], {
    cwd: join(__dirname, '..', '..'),
    encoding: 'utf8',
  });
  expect(child.stderr).toContain('Error: Failed to read the given file as a state or plan file');
  expect(JSON.parse(child.stdout)).toMatchObject({ status: 1, stdout: '', stderr: '' });
});
