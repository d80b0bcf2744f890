/*
 * pnpm flip <environment> <lambda | fargate | percent-to-lambda> [--dry-run]
 *
 * Moves an environment's traffic between Lambda and Fargate with no downtime: up to three
 * `cdktf deploy` runs (see src/flip/plan-flip.ts), then records the result in infra/traffic.json so
 * later deploys keep it. Stops at the first failed apply and says how to resume.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ENVIRONMENTS } from '../src/config/environments';
import { planFlip } from '../src/flip/plan-flip';
import { describeTraffic, lambdaWeightFor, parseTarget, readTrafficFile, writeTrafficFile } from '../src/flip/traffic';

const REPOSITORY_ROOT = join(__dirname, '..', '..');
const TRAFFIC_FILE = join(REPOSITORY_ROOT, 'infra', 'traffic.json');
const USAGE = 'usage: pnpm flip <environment> <lambda | fargate | 0-100 (percent to Lambda)> [--dry-run]';

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

const args = process.argv.slice(2);
const dryRun = args.includes('--dry-run');
const [envName, targetText, ...rest] = args.filter((a) => a !== '--dry-run');
if (!envName || !targetText || rest.length) fail(USAGE);
const environment = ENVIRONMENTS[envName];
if (!environment) fail(`unknown environment "${envName}"; known: ${Object.keys(ENVIRONMENTS).join(', ')}`);

let target: number;
try {
  target = lambdaWeightFor(parseTarget(targetText));
} catch (err) {
  fail((err as Error).message);
}

const stack = `switchyard-${environment.name}`;
const traffic = readTrafficFile(TRAFFIC_FILE);
const current = traffic[stack]?.lambdaWeight ?? lambdaWeightFor(environment.defaultCompute);
const phases = planFlip(current, target);

console.log(`${stack}: ${describeTraffic(current)} → ${describeTraffic(target)}`);
if (!phases.length) {
  console.log('Nothing to move.');
  process.exit(0);
}
phases.forEach((phase, i) => {
  console.log(`  ${i + 1}. ${phase.name}: ${phase.summary}`);
  console.log(
    `     TF_VAR_lambda_weight=${phase.vars.lambda_weight} TF_VAR_fargate_standby=${phase.vars.fargate_standby} pnpm cdktf deploy ${stack} --auto-approve`,
  );
});
if (dryRun) process.exit(0);
if (!hasAwsCredentials()) fail('no AWS credentials found: set AWS_PROFILE (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY) and try again');

for (const [i, phase] of phases.entries()) {
  console.log(`\n== ${i + 1}/${phases.length} ${phase.name}: ${phase.summary}`);
  const deploy = spawnSync('pnpm', ['cdktf', 'deploy', stack, '--auto-approve'], {
    cwd: REPOSITORY_ROOT,
    stdio: 'inherit',
    env: { ...process.env, TF_VAR_lambda_weight: phase.vars.lambda_weight, TF_VAR_fargate_standby: phase.vars.fargate_standby },
  });
  if (deploy.status !== 0) {
    fail(
      `apply ${i + 1} (${phase.name}) failed; traffic.json is unchanged. Fix the cause and run the same command again: each step is safe to repeat.`,
    );
  }
}

writeTrafficFile(TRAFFIC_FILE, { ...traffic, [stack]: { lambdaWeight: target } });
console.log(`\n${stack} is now ${describeTraffic(target)}. Commit infra/traffic.json so later deploys keep it.`);
