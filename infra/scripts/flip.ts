/*
 * pnpm flip <environment> <lambda | fargate | percent-to-lambda> [--ramp 10,50,100] [--pause 5m] [--dry-run]
 *
 * Moves an environment's traffic with one ordinary `cdktf deploy` per step: each apply is safe on
 * its own (see test/support/apply-order-suite.ts). The current split is read from the deployed stack's
 * outputs, never from a file. The split lives in the `lambda_weight` variable; flip sets it for its
 * own applies only, and says what to set so later deploys keep it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ENVIRONMENTS } from '../src/config/environments';
import { liveLambdaWeight, parsePause, parseRamp, planFlip } from '../src/flip/plan-flip';
import { describeTraffic, parseTarget } from '../src/flip/traffic';
import { parseCommandLine } from '../src/cli/command-line';
import { cdktfOutputDir, LOCAL_AWS_VARIABLE } from '../src/stacks/local-aws';
import { runTerraform } from '../src/terraform/terraform-runner';

const REPOSITORY_ROOT = join(__dirname, '..', '..');
const USAGE = 'usage: pnpm flip <environment> <lambda | fargate | 0-100 (percent to Lambda)> [--ramp 10,50,100] [--pause 5m] [--dry-run]';

function fail(message: string): never {
  console.error(`flip: ${message}`);
  process.exit(2);
}

function hasAwsCredentials(): boolean {
  return (
    Boolean(
      process.env.AWS_ACCESS_KEY_ID ||
      process.env.AWS_PROFILE ||
      process.env.AWS_WEB_IDENTITY_TOKEN_FILE ||
      process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI,
    ) ||
    existsSync(join(homedir(), '.aws', 'credentials')) ||
    existsSync(join(homedir(), '.aws', 'config'))
  );
}

const { values, positionals: args } = parseCommandLine(
  process.argv.slice(2),
  { ramp: { type: 'string' }, pause: { type: 'string' }, 'dry-run': { type: 'boolean' } },
  (m) => fail(`${m}. ${USAGE}`),
);
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const dryRun = values['dry-run'] ?? false;
let ramp: number[] = [];
let pauseMs = 0;
try {
  if (values.ramp) ramp = parseRamp(values.ramp);
  if (values.pause) pauseMs = parsePause(values.pause);
} catch (err) {
  fail((err as Error).message);
}
const [envName, targetText, ...rest] = args;
if (!envName || !targetText || rest.length) fail(USAGE);
const environment = ENVIRONMENTS[envName];
if (!environment) fail(`unknown environment "${envName}"; known: ${Object.keys(ENVIRONMENTS).join(', ')}`);

const stack = `switchyard-${environment.name}`;
const defaultCompute = environment.defaultCompute;
// With the sandbox's switch on, the stacks are synthesized and their state kept apart from real ones.
const localAws = Boolean(process.env[LOCAL_AWS_VARIABLE]);
const outDir = cdktfOutputDir(process.env);
const stackDir = resolve(REPOSITORY_ROOT, outDir, 'stacks', stack);
const run = (command: string, commandArgs: string[]) =>
  spawnSync(command, commandArgs, { cwd: REPOSITORY_ROOT, encoding: 'utf8', stdio: ['inherit', 'pipe', 'inherit'] });

let steps;
try {
  const target = parseTarget(targetText);
  if (!localAws && !hasAwsCredentials())
    fail('no AWS credentials found: set AWS_PROFILE (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY) and try again');
  // The live split, from the deployed stack's state: synthesize, then read its outputs.
  if (run('pnpm', ['cdktf', 'synth', '--output', outDir]).status !== 0) fail('cdktf synth failed');
  // terraform's stderr goes to the user as it comes; its stdout is read (output) or not shown (init).
  const terraformHere = { dir: stackDir, stderr: 'inherit', allowFailure: true } as const;
  if (!existsSync(join(stackDir, '.terraform')) && runTerraform(['init', '-input=false'], terraformHere).status !== 0)
    fail(`terraform init failed in ${stackDir}`);
  const outputs = runTerraform(['output', '-json'], terraformHere);
  const current = liveLambdaWeight(outputs.status === 0 ? outputs.stdout : '');
  steps = planFlip(current, target, ramp);
  console.log(`${stack}: ${describeTraffic(current)} now`);
} catch (err) {
  fail((err as Error).message);
}

if (!steps.length) {
  console.log('Nothing to move.');
  process.exit(0);
}
steps.forEach((step, i) => {
  console.log(`  ${i + 1}. ${step.summary}`);
  console.log(`     TF_VAR_lambda_weight=${step.lambdaWeight} pnpm cdktf deploy ${stack} --auto-approve --output ${outDir}`);
});
if (dryRun) process.exit(0);

async function applySteps(steps: ReturnType<typeof planFlip>): Promise<void> {
  for (const [i, step] of steps.entries()) {
    if (i > 0 && pauseMs) {
      console.log(`\n-- pausing ${pauseMs / 1000} s before the next step (Ctrl-C stops here; traffic stays as it is)`);
      await sleep(pauseMs);
    }
    console.log(`\n== ${i + 1}/${steps.length}: ${step.summary}`);
    // compute is left unset so it cannot disagree with the weight this step sets.
    const { TF_VAR_compute: _compute, ...env } = process.env;
    const deploy = spawnSync('pnpm', ['cdktf', 'deploy', stack, '--auto-approve', '--output', outDir], {
      cwd: REPOSITORY_ROOT,
      stdio: 'inherit',
      env: { ...env, TF_VAR_lambda_weight: String(step.lambdaWeight) },
    });
    if (deploy.status !== 0)
      fail(`apply ${i + 1} failed; traffic is as the last successful apply left it. Fix the cause and run flip again.`);
  }

  const final = steps[steps.length - 1]!.lambdaWeight;
  const variable = final === 100 ? 'compute = "lambda"' : final === 0 ? 'compute = "fargate"' : `lambda_weight = ${final}`;
  console.log(`\n${stack} is now ${describeTraffic(final)}.`);
  console.log(
    `Keep it: set ${variable} in the workspace variables or a .tfvars file. ` +
      `A deploy without it moves traffic back to the default (${defaultCompute}), safely but surely.`,
  );
}

void applySteps(steps);
