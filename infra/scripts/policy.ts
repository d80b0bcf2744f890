/*
 * pnpm infra:policy <terraform directory> <plan file> [--stack <name>]
 *
 * The policy rules (src/policy/) on any Terraform directory's saved plan, such as the HCL that
 * `pnpm infra:hcl` wrote: `terraform show -json` of the plan, read back into the form the rules
 * judge (src/policy/plan-view.ts). Exit 0 when every finding is waived, 1 when one is not, 2 on
 * bad input. The directory must be initialised (`terraform init`), and the plan made there
 * (`terraform plan -out <plan file>`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { GENERATED_MARK, type HclSchemas } from '../src/hcl/render-hcl';
import { BLIND_FROM_A_PLAN, stackJsonFromPlan, type PlanWithConfiguration } from '../src/policy/plan-view';
import { evaluate, RULES } from '../src/policy/policy';
import { StackView } from '../src/policy/stack-view';
import { parseCommandLine } from '../src/cli/command-line';
import { runTerraform } from '../src/terraform/terraform-runner';

const USAGE = 'usage: pnpm infra:policy <terraform directory> <plan file> [--stack switchyard-<environment>]';

function fail(message: string): never {
  console.error(`infra:policy: ${message}\n${USAGE}`);
  process.exit(2);
}

const { values, positionals: args } = parseCommandLine(process.argv.slice(2), { stack: { type: 'string' } }, fail, { stack: 'a name' });
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
let stackName = values.stack;
if (args.length !== 2) fail('give a terraform directory and a plan file');
// pnpm runs this in infra/; relative paths are relative to where the user typed them.
const here = process.env.INIT_CWD ?? process.cwd();
const [dir, planFile] = args.map((a) => (isAbsolute(a) ? a : resolve(here, a))) as [string, string];
if (!existsSync(dir)) fail(`no directory ${dir}`);
if (!existsSync(planFile)) fail(`no plan file ${planFile} (make one with terraform plan -out)`);

// The stack's name decides its waivers and whether it is production; an export's header names it.
if (!stackName) {
  const header = existsSync(join(dir, 'versions.tf')) ? readFileSync(join(dir, 'versions.tf'), 'utf8').split('\n')[0]! : '';
  stackName = header.startsWith(GENERATED_MARK) ? /stack (\S+)\.$/.exec(header)?.[1] : undefined;
  if (!stackName) fail(`${dir} was not written by pnpm infra:hcl; name the stack with --stack`);
}

function terraform(command: string[]): string {
  try {
    return runTerraform(command, { dir }).stdout;
  } catch (err) {
    fail((err as Error).message);
  }
}

const plan = JSON.parse(terraform(['show', '-json', planFile])) as PlanWithConfiguration;
if (!plan.configuration) fail(`${planFile} is not a saved plan`);
const schemas = JSON.parse(terraform(['providers', 'schema', '-json'])) as HclSchemas;
const { json, unknown } = stackJsonFromPlan(plan, schemas);
if (unknown.length)
  fail(
    `the plan knows ${unknown.length} value(s) only after apply (${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? ', …' : ''}), ` +
      'built from several others; rules cannot judge them. Judge a plan made against the deployed state.',
  );
const findings = evaluate(new StackView(stackName, json, false));

for (const finding of findings) {
  console.log(
    finding.waived
      ? `  waived  ${finding.ruleId}: ${finding.message} (${finding.waived.justification})`
      : `  FAILS   ${finding.ruleId}: ${finding.message}`,
  );
}
const failing = findings.filter((f) => !f.waived);
console.log(
  `${stackName}: ${RULES.length} rules, ${failing.length} failing, ${findings.length - failing.length} waived. ` +
    `Not judged from a plan: ${BLIND_FROM_A_PLAN.said}.`,
);
process.exit(failing.length ? 1 : 0);
