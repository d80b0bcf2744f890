/*
 * pnpm flip <environment> <lambda | fargate | percent-to-lambda> [--ramp 10,50,100] [--bake 5m] [--analysis off] [--pause 5m] [--dry-run]
 * pnpm flip <environment> --resume | --abort
 *
 * Moves an environment's traffic with one ordinary `cdktf deploy` per step: each apply is safe on
 * its own (see test/support/apply-order-suite.ts). The current split is read from the deployed stack's
 * outputs, never from a file. The split lives in the `lambda_weight` variable; flip sets it for its
 * own applies only, and says what to set so later deploys keep it.
 *
 * Each step is judged on the ALB's metrics before the next (src/flip/verdict.ts, the environment's
 * safetyNet), and a step that fails goes back to the split before it by itself (src/flip/run-flip.ts).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { ENVIRONMENTS } from '../src/config/environments';
import { describeFlipState, readFlipState, writeFlipState, type FlipState } from '../src/flip/flip-state';
import { liveLambdaWeight, parsePause, parseRamp, planFlip } from '../src/flip/plan-flip';
import { describeJudgement, Flip, FLIP_EXIT } from '../src/flip/run-flip';
import { stackIds, type StackIds } from '../src/flip/stack-ids';
import { parseBake } from '../src/flip/step-metrics';
import { describeTraffic, parseTarget } from '../src/flip/traffic';
import { parseCommandLine } from '../src/cli/command-line';
import { cdktfOutputDir, DEFAULT_SANDBOX_DIR, LOCAL_AWS_VARIABLE, SANDBOX_DIR_VARIABLE } from '../src/stacks/local-aws';
import { runTerraform } from '../src/terraform/terraform-runner';

const REPOSITORY_ROOT = join(__dirname, '..', '..');
const USAGE =
  'usage: pnpm flip <environment> <lambda | fargate | 0-100 (percent to Lambda)> [--ramp 10,50,100] [--bake 5m] [--analysis on|off] [--pause 5m] [--dry-run]\n' +
  '       pnpm flip <environment> --resume | --abort';

function fail(message: string): never {
  console.error(`flip: ${message}`);
  process.exit(FLIP_EXIT.refused);
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
  {
    ramp: { type: 'string' },
    pause: { type: 'string' },
    bake: { type: 'string' },
    analysis: { type: 'string' },
    'dry-run': { type: 'boolean' },
    resume: { type: 'boolean' },
    abort: { type: 'boolean' },
  },
  (m) => fail(`${m}. ${USAGE}`),
);
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const dryRun = values['dry-run'] ?? false;
const finishing = values.resume ? 'resume' : values.abort ? 'abort' : undefined;
if (values.resume && values.abort) fail('--resume and --abort exclude each other');
if (values.analysis !== undefined && !['on', 'off'].includes(values.analysis)) fail(`--analysis "${values.analysis}" must be on or off`);
const analysis = values.analysis !== 'off';
let ramp: number[] = [];
let pauseMs = 0;
let bakeMinutes: number | undefined;
try {
  if (values.ramp) ramp = parseRamp(values.ramp);
  if (values.pause) pauseMs = parsePause(values.pause);
  if (values.bake) bakeMinutes = parseBake(values.bake);
} catch (err) {
  fail((err as Error).message);
}
if (analysis && values.pause) fail('--pause is for --analysis off; with the safety net on, each step waits its --bake and is judged');
if (!analysis && values.bake) fail('--bake needs the safety net: leave out --analysis off');
const [envName, targetText, ...rest] = args;
if (!envName || (finishing ? targetText : !targetText) || rest.length) fail(USAGE);
if (finishing && (values.ramp || values.pause || values.bake || values.analysis || dryRun))
  fail(`--${finishing} takes no other option: the interrupted flip's own are kept`);
const environment = ENVIRONMENTS[envName];
if (!environment) fail(`unknown environment "${envName}"; known: ${Object.keys(ENVIRONMENTS).join(', ')}`);
const stack = `switchyard-${environment.name}`;
const net = environment.safetyNet;
const defaultCompute = environment.defaultCompute;
// With the sandbox's switch on, the stacks are synthesized and their state kept apart from real ones.
const localAws = Boolean(process.env[LOCAL_AWS_VARIABLE]);
const outDir = cdktfOutputDir(process.env);
const stackDir = resolve(REPOSITORY_ROOT, outDir, 'stacks', stack);
// Beside the stacks' output, not in it: a synth may rewrite that folder.
const stateFile = resolve(
  REPOSITORY_ROOT,
  localAws ? process.env[SANDBOX_DIR_VARIABLE] || DEFAULT_SANDBOX_DIR : '.local',
  'flips',
  `${stack}.json`,
);
const run = (command: string, commandArgs: string[]) =>
  spawnSync(command, commandArgs, { cwd: REPOSITORY_ROOT, encoding: 'utf8', stdio: ['inherit', 'pipe', 'inherit'] });

let interrupted: FlipState | undefined;
try {
  interrupted = readFlipState(stateFile);
} catch (err) {
  fail((err as Error).message);
}
if (finishing && !interrupted) fail(`no flip of ${stack} to ${finishing}: nothing is in progress (${stateFile})`);
if (!finishing && interrupted && !dryRun)
  fail(
    `a flip of ${stack} was stopped while ${describeFlipState(interrupted)}.\n` +
      `  pnpm flip ${envName} --resume   finishes it\n  pnpm flip ${envName} --abort    takes traffic back to ${describeTraffic(interrupted.start)}, where it began`,
  );

let current: number;
let ids: StackIds | undefined;
try {
  if (!finishing) parseTarget(targetText!);
  if (!localAws && !hasAwsCredentials())
    fail('no AWS credentials found: set AWS_PROFILE (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY) and try again');
  // The live split, from the deployed stack's state: synthesize, then read its outputs.
  if (run('pnpm', ['cdktf', 'synth', '--output', outDir]).status !== 0) fail('cdktf synth failed');
  // terraform's stderr goes to the user as it comes; its stdout is read (output) or not shown (init).
  const terraformHere = { dir: stackDir, stderr: 'inherit', allowFailure: true } as const;
  if (!existsSync(join(stackDir, '.terraform')) && runTerraform(['init', '-input=false'], terraformHere).status !== 0)
    fail(`terraform init failed in ${stackDir}`);
  const outputs = runTerraform(['output', '-json'], terraformHere);
  current = liveLambdaWeight(outputs.status === 0 ? outputs.stdout : '');
  const judged = finishing ? interrupted!.bakeMinutes !== undefined || interrupted!.phase === 'rollback' : analysis;
  // --abort and a rollback set the rule directly, so they need the ids even for a flip without analysis.
  if (judged || finishing === 'abort') ids = stackIds(outputs.stdout);
  console.log(`${stack}: ${describeTraffic(current)} now`);
} catch (err) {
  fail((err as Error).message);
}

const aws = { region: environment.region };
const apply = (lambdaWeight: number) =>
  new Promise<boolean>((done) => {
    // compute is left unset so it cannot disagree with the weight this step sets.
    const { TF_VAR_compute: _compute, ...env } = process.env;
    const deploy = spawn('pnpm', ['cdktf', 'deploy', stack, '--auto-approve', '--output', outDir], {
      cwd: REPOSITORY_ROOT,
      stdio: 'inherit',
      env: { ...env, TF_VAR_lambda_weight: String(lambdaWeight) },
    });
    deploy.once('exit', (code) => done(code === 0));
    deploy.once('error', () => done(false));
  });

function keepHint(final: number): void {
  const variable = final === 100 ? 'compute = "lambda"' : final === 0 ? 'compute = "fargate"' : `lambda_weight = ${final}`;
  console.log(`\n${stack} is now ${describeTraffic(final)}.`);
  console.log(
    `Keep it: set ${variable} in the workspace variables or a .tfvars file. ` +
      `A deploy without it moves traffic back to the default (${defaultCompute}), safely but surely.`,
  );
}

async function main(): Promise<number> {
  let state: FlipState;
  if (finishing === 'resume') {
    state = interrupted!;
    console.log(`Resuming: ${describeFlipState(state)}.`);
  } else if (finishing === 'abort') {
    const { version: _v, updatedAt: _u, ...was } = interrupted!;
    state = writeFlipState(stateFile, { ...was, phase: 'rollback', rollbackTo: was.start });
    console.log(`Aborting: back to ${describeTraffic(was.start)}, where the flip began.`);
  } else {
    let steps;
    try {
      steps = planFlip(current, parseTarget(targetText!), ramp);
    } catch (err) {
      fail((err as Error).message);
    }
    if (!steps.length) {
      console.log('Nothing to move.');
      return FLIP_EXIT.done;
    }
    steps.forEach((step, i) => {
      console.log(`  ${i + 1}. ${step.summary}`);
      console.log(`     TF_VAR_lambda_weight=${step.lambdaWeight} pnpm cdktf deploy ${stack} --auto-approve --output ${outDir}`);
    });
    const bake = bakeMinutes ?? net.bakeMinutes;
    if (analysis) for (const line of describeJudgement(net, bake)) console.log(line);
    else
      console.log(
        'No judgement (--analysis off): each step goes on after its apply' + (pauseMs ? ` and a pause of ${pauseMs / 1000} s` : '') + '.',
      );
    if (ids?.dashboardName) console.log(`Watch it: the CloudWatch dashboard ${ids.dashboardName}.`);
    if (dryRun) return FLIP_EXIT.done;
    state = writeFlipState(stateFile, {
      stack,
      environment: envName!,
      start: current,
      steps: steps.map((s) => s.lambdaWeight),
      step: 0,
      phase: 'apply',
      ...(analysis ? { bakeMinutes: bake } : {}),
      pauseMs,
    });
  }
  const elb = new ElasticLoadBalancingV2Client(aws);
  const cloudwatch = new CloudWatchClient(aws);
  try {
    const outcome = await new Flip(state, { stateFile, ids, net, elb, cloudwatch, apply, log: (line) => console.log(line) }).run();
    // An abort is a rollback asked for: done when traffic is back where the flip began.
    if (finishing === 'abort' && outcome === FLIP_EXIT.rolledBack) {
      keepHint(state.start);
      return FLIP_EXIT.done;
    }
    if (outcome === FLIP_EXIT.done) keepHint(state.steps[state.steps.length - 1]!);
    return outcome;
  } finally {
    elb.destroy();
    cloudwatch.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(`flip: ${err.message}\nThe flip's state is kept: pnpm flip ${envName} --resume (or --abort).`);
    process.exit(FLIP_EXIT.applyFailed);
  },
);
