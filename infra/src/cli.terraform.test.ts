import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { offlineTerraform } from '../test/support/offline-terraform';
import { REPOSITORY_ROOT } from '../test/support/synth-stack';
import { runTerraform } from './terraform/terraform-runner';

// The commands users run from the repository root, through the real cdktf CLI and cdktf.json.
const CDKTF = join(REPOSITORY_ROOT, 'node_modules', '.bin', 'cdktf');
// With CI set, cdktf also locks providers for every platform through the registry, which is unreachable here.
const cdktf = (args: string[], env: NodeJS.ProcessEnv = process.env) => {
  const { CI: _ci, ...rest } = env;
  return spawnSync(CDKTF, args, {
    cwd: REPOSITORY_ROOT,
    env: { ...rest, CHECKPOINT_DISABLE: '1', FORCE_COLOR: '0' },
    encoding: 'utf8',
    timeout: 120_000,
  });
};

test('`cdktf synth` writes every environment stack', () => {
  const out = mkdtempSync(join(tmpdir(), 'switchyard-synth-'));
  const result = cdktf(['synth', '--output', out]);
  expect(result.status).toBe(0);
  expect(readdirSync(join(out, 'stacks')).sort()).toEqual(['switchyard-dev', 'switchyard-prod']);
  const dev = JSON.parse(readFileSync(join(out, 'stacks', 'switchyard-dev', 'cdk.tf.json'), 'utf8'));
  expect(Object.keys(dev.variable).sort()).toEqual(['compute', 'fargate_standby', 'image_uri', 'lambda_weight']);
}, 120_000);

const terraform = offlineTerraform();
(terraform.available ? test : test.skip)(
  '`cdktf diff` plans offline when asked to (SWITCHYARD_OFFLINE_PLAN=1)',
  () => {
    if (!terraform.available) return;
    const out = mkdtempSync(join(tmpdir(), 'switchyard-diff-'));
    const env = { ...terraform.env, SWITCHYARD_OFFLINE_PLAN: '1' };
    expect(cdktf(['synth', '--output', out], env).status).toBe(0);
    // cdktf asks the registry to lock providers for a stack with no lock file yet; one offline init writes it.
    runTerraform(['init', '-input=false'], { dir: join(out, 'stacks', 'switchyard-dev'), env });
    const result = cdktf(['diff', 'switchyard-dev', '--output', out], env);
    expect(`${result.stdout}${result.stderr}`).toMatch(/Plan: \d+ to add, 0 to change, 0 to destroy/);
    expect(result.status).toBe(0);
  },
  120_000,
);

describe('`pnpm flip` refuses what it cannot do, before touching anything', () => {
  const TSX = join(REPOSITORY_ROOT, 'infra', 'node_modules', '.bin', 'tsx');
  const flip = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    spawnSync(TSX, [join(REPOSITORY_ROOT, 'infra', 'scripts', 'flip.ts'), ...args], {
      cwd: REPOSITORY_ROOT,
      env: { PATH: process.env.PATH, HOME: mkdtempSync(join(tmpdir(), 'switchyard-home-')), ...env },
      encoding: 'utf8',
      timeout: 60_000,
    });

  test.each([
    [['dev', 'sideways'], /not a traffic target/],
    [['staging', 'fargate'], /unknown environment "staging"/],
    [['dev', 'fargate', '--ramp', '50,10,100'], /must rise/],
    [['dev', 'fargate', '--ramp', '10,50'], /must end at 100|AWS credentials/],
    [['dev', '50', '--pause', 'soon'], /e\.g\. 5m/],
    [['dev', 'fargate'], /no AWS credentials found/],
    [['dev', 'fargate', '--bake', '90s'], /--bake "90s" must be whole minutes/],
    [['dev', 'fargate', '--analysis', 'maybe'], /--analysis "maybe" must be on or off/],
    [['dev', 'fargate', '--pause', '5m'], /--pause is for --analysis off/],
    [['dev', 'fargate', '--analysis', 'off', '--bake', '5m'], /--bake needs the safety net/],
    [['dev', '--resume', '--abort'], /exclude each other/],
    [['dev', 'fargate', '--resume'], /usage/],
    [['dev', '--resume'], /no flip of switchyard-dev to resume/],
  ])('%j', (args, message) => {
    const result = flip(args);
    expect(result.stderr).toMatch(message);
    expect(result.status).toBe(2);
  });
});
