import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { runInfraScript } from '../../test/support/infra-script';
import { REPOSITORY_ROOT } from '../../test/support/synth-stack';
import { offlineTerraform } from '../../test/support/offline-terraform';
import { runTerraform } from '../terraform/terraform-runner';
import { GENERATED_MARK } from './render-hcl';

// `pnpm infra:hcl` end to end: the real synth of the repository's stacks, then terraform on its output.
const terraform = offlineTerraform();
const describeWithTerraform = terraform.available ? describe : describe.skip;

const infraHcl = (args: string[], env: NodeJS.ProcessEnv = terraform.available ? terraform.env : process.env) =>
  runInfraScript('hcl.ts', args, env);

function terraformIn(dir: string, args: string[]) {
  const result = runTerraform(args, { dir, env: terraform.available ? terraform.env : {}, allowFailure: true });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describeWithTerraform('pnpm infra:hcl', () => {
  let out: string;
  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), 'infra-hcl-'));
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  test('writes the dev stack as HCL, a file per construct, that terraform fmt, init and validate accept', () => {
    const result = infraHcl(['dev', '--out', out]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^switchyard-dev → .*dev\/ \(\d+ files, \d+ bytes\)/);
    const files = readdirSync(join(out, 'dev')).sort();
    expect(files).toEqual(
      expect.arrayContaining(['versions.tf', 'variables.tf', 'outputs.tf', 'network.tf', 'fargate.tf', 'lambda.tf', 'routing.tf']),
    );
    expect(readdirSync(out)).toEqual(['dev']);
    for (const file of files) expect(readFileSync(join(out, 'dev', file), 'utf8').startsWith(GENERATED_MARK)).toBe(true);
    // Each resource says which construct it came from.
    expect(readFileSync(join(out, 'dev', 'routing.tf'), 'utf8')).toMatch(
      /# switchyard-dev\/routing\/rule\nresource "aws_lb_listener_rule"/,
    );
    // The image push runs in the repository, found from the directory, wherever either is (any
    // letters, digits or spaces in the path).
    const workingDir = /working_dir = "\$\{path\.module\}\/([^"]+)"/.exec(readFileSync(join(out, 'dev', 'image.tf'), 'utf8'))?.[1];
    expect(workingDir).toBe(relative(join(out, 'dev'), REPOSITORY_ROOT));
    expect(resolve(join(out, 'dev'), workingDir!)).toBe(REPOSITORY_ROOT);

    const dir = join(out, 'dev');
    expect(terraformIn(dir, ['fmt', '-check'])).toMatchObject({ status: 0, output: '' });
    expect(terraformIn(dir, ['init', '-backend=false', '-input=false']).status).toBe(0);
    expect(terraformIn(dir, ['validate']).output).toContain('The configuration is valid');
  }, 120_000);

  test.each([
    [['staging'], /no environment named staging/],
    [['dev', '--out'], /--out needs a directory/],
    [['--dry-run'], /unknown option --dry-run/],
  ])('%j is refused with exit 2 and says why', (args, message) => {
    const result = infraHcl(args);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain('usage: pnpm infra:hcl');
  });

  test('--help prints the usage of pnpm infra:hcl and of pnpm infra:policy', () => {
    expect(infraHcl(['--help'])).toMatchObject({ status: 0, stdout: expect.stringContaining('usage: pnpm infra:hcl') });
    const policy = runInfraScript('policy.ts', ['--help'], process.env);
    expect(policy).toMatchObject({
      status: 0,
      stdout: expect.stringContaining('usage: pnpm infra:policy <terraform directory> <plan file>'),
    });
  });

  test.each([
    [[], /give a terraform directory and a plan file/],
    [['.', 'no-such.plan'], /no plan file .*no-such\.plan \(make one with terraform plan -out\)/],
    [['/no/such/dir', 'x.plan'], /no directory \/no\/such\/dir/],
    [['.', 'package.json'], /was not written by pnpm infra:hcl; name the stack with --stack/],
    [['.', 'package.json', '--stack'], /--stack needs a name/],
  ])('pnpm infra:policy %j is refused with exit 2 and says why', (args, message) => {
    const result = runInfraScript('policy.ts', args, process.env);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  test('without terraform on PATH it stops before writing and says what to install', () => {
    const elsewhere = join(out, 'no-terraform');
    const result = infraHcl(['dev', '--out', elsewhere], { ...process.env, PATH: '/nonexistent' });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/the terraform CLI is not on PATH; install Terraform/);
    expect(readdirSync(out)).not.toContain('no-terraform');
  });
});
