/**
 * pnpm cost [environment] [flags]: Lambda against Fargate for this service, a month at a time.
 * Run with --help for the flags.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { cdktfOutputDir } from '@switchyard/infra/local-aws';
import { runTerraform } from '@switchyard/infra/terraform-runner';
import { chartSpec, renderSvg } from './chart';
import { assertCredentials, DEFAULT_DAYS, metricNamesFromOutputs, observedTraffic } from './from-stack';
import { readMeasuredCosts } from './measured';
import { buildReport, formatReport } from './report';
import { buildWorkload, InputError, type WorkloadInput } from './workload';

const REPOSITORY_ROOT = join(__dirname, '..', '..');

/** A path as the user typed it: pnpm runs the script in cost/, and says in INIT_CWD where it was started. */
function userPath(path: string): string {
  return resolve(process.env.INIT_CWD ?? process.cwd(), path);
}

export const USAGE = `usage: pnpm cost [dev|prod] [flags]

Traffic
  --rps <n[,n...]>            average requests a second; several give a row each (default 1,10,100)
  --peak <ratio>              busiest hour over the average, 1 to 24 (default 1: flat)
  --from-stack                read traffic and Lambda duration from the deployed stack's CloudWatch metrics
  --days <n>                  days of metrics --from-stack reads (default ${DEFAULT_DAYS})
Lambda
  --memory <MB>               128 to 10,240 (default: the environment's)
  --duration-ms <ms>          billed duration of one request (default: measured by pnpm bench, at this memory)
  --free-tier                 subtract Lambda's free tier (default: off)
Fargate
  --rps-per-vcpu <n>          requests a vCPU serves a second at full CPU (default: measured by pnpm bench)
  --target-cpu <percent>      CPU autoscaling keeps a task at (default 60)
  --spot                      price tasks as Fargate Spot (x86_64 only)
  --standby                   tasks keep running while Lambda serves (the stack's fargate_standby)
Prices
  --arch <x86_64|arm64>       (default: the environment's)
  --region <name>             (default: the environment's)
  --bytes-per-request <n>     request and response bytes, for the ALB (default 2048)
  --requests-per-connection <n>, --connection-seconds <n>   client connections, for the ALB (default 10 and 10)
Output
  --workload <file.json>      the inputs above as JSON (camelCase names, see cost/src/workload.ts); flags win
  --json                      the whole report as JSON
  --chart <file.svg>          draw monthly cost against traffic, with the break-even
  --help`;

const OPTIONS = {
  rps: { type: 'string' },
  peak: { type: 'string' },
  'from-stack': { type: 'boolean' },
  days: { type: 'string' },
  memory: { type: 'string' },
  'duration-ms': { type: 'string' },
  'free-tier': { type: 'boolean' },
  'rps-per-vcpu': { type: 'string' },
  'target-cpu': { type: 'string' },
  spot: { type: 'boolean' },
  standby: { type: 'boolean' },
  arch: { type: 'string' },
  region: { type: 'string' },
  'bytes-per-request': { type: 'string' },
  'requests-per-connection': { type: 'string' },
  'connection-seconds': { type: 'string' },
  workload: { type: 'string' },
  json: { type: 'boolean' },
  chart: { type: 'string' },
  help: { type: 'boolean' },
} as const;

/** A number flag, or undefined; text that is not a number is kept so validation names the flag. */
function numberFlag(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  return value.trim() !== '' && Number.isFinite(parsed) ? parsed : (value as unknown as number);
}

export function parseCommandLine(argv: string[]): {
  input: WorkloadInput;
  json: boolean;
  chart?: string;
  fromStack: boolean;
  days: number;
  help: boolean;
} {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new InputError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (positionals.length > 1) throw new InputError(`one environment at a time; got ${positionals.join(', ')}`);
  const fromFile = values.workload ? readWorkloadFile(values.workload) : {};
  const flags: WorkloadInput = {
    ...(positionals[0] === undefined ? {} : { environment: positionals[0] }),
    ...(values.rps === undefined ? {} : { requestsPerSecond: values.rps.split(',').map((part) => numberFlag(part)!) }),
    ...defined('peakToAverage', numberFlag(values.peak)),
    ...defined('lambdaMemoryMb', numberFlag(values.memory)),
    ...defined('billedMsPerRequest', numberFlag(values['duration-ms'])),
    ...defined('lambdaFreeTier', values['free-tier']),
    ...defined('requestsPerVcpuSecond', numberFlag(values['rps-per-vcpu'])),
    ...defined('targetCpuPercent', numberFlag(values['target-cpu'])),
    ...defined('fargateSpot', values.spot),
    ...defined('fargateStandby', values.standby),
    ...defined('architecture', values.arch as WorkloadInput['architecture']),
    ...defined('region', values.region),
    ...defined('bytesPerRequest', numberFlag(values['bytes-per-request'])),
    ...defined('requestsPerConnection', numberFlag(values['requests-per-connection'])),
    ...defined('connectionSeconds', numberFlag(values['connection-seconds'])),
  };
  const days = numberFlag(values.days) ?? DEFAULT_DAYS;
  if (!Number.isInteger(days) || days < 1 || days > 455)
    throw new InputError(
      `--days must be a whole number of days from 1 to 455 (CloudWatch keeps hourly points that long); got ${String(values.days)}`,
    );
  return {
    input: { ...fromFile, ...flags },
    json: values.json ?? false,
    ...(values.chart === undefined ? {} : { chart: values.chart }),
    fromStack: values['from-stack'] ?? false,
    days,
    help: values.help ?? false,
  };
}

function defined<K extends keyof WorkloadInput>(key: K, value: WorkloadInput[K] | undefined): Partial<WorkloadInput> {
  return value === undefined ? {} : { [key]: value };
}

function readWorkloadFile(path: string): WorkloadInput {
  let text: string;
  try {
    text = readFileSync(userPath(path), 'utf8');
  } catch (error) {
    throw new InputError(`cannot read the workload file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not a JSON object');
    return value as WorkloadInput;
  } catch (error) {
    throw new InputError(`the workload file ${path} is not a JSON object: ${(error as Error).message}`);
  }
}

/** The deployed stack's outputs, as `pnpm flip` reads them: synthesize, then `terraform output`. */
function deployedOutputs(environment: string): string {
  // A sandbox's stacks (SWITCHYARD_AWS_ENDPOINT) are synthesized apart from real ones.
  const outDir = cdktfOutputDir(process.env);
  const stackDir = resolve(REPOSITORY_ROOT, outDir, 'stacks', `switchyard-${environment}`);
  const synth = spawnSync('pnpm', ['cdktf', 'synth', '--output', outDir], { cwd: REPOSITORY_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  if (synth.status !== 0) throw new Error('cdktf synth failed');
  runTerraform(['init'], { dir: stackDir });
  return runTerraform(['output', '-json'], { dir: stackDir }).stdout;
}

export async function main(argv: string[], out: (text: string) => void = (text) => process.stdout.write(`${text}\n`)): Promise<void> {
  const command = parseCommandLine(argv);
  if (command.help) return out(USAGE);
  let input = command.input;
  if (command.fromStack) {
    const environment = input.environment ?? 'dev';
    const client = new CloudWatchClient({});
    await assertCredentials(client);
    const observed = await observedTraffic(client, metricNamesFromOutputs(deployedOutputs(environment)), { days: command.days });
    input = {
      ...input,
      requestsPerSecond: [observed.requestsPerSecond],
      peakToAverage: observed.peakToAverage,
      ...(observed.billedMsPerRequest === undefined || input.billedMsPerRequest !== undefined
        ? {}
        : { billedMsPerRequest: observed.billedMsPerRequest }),
    };
    if (!command.json)
      out(
        `switchyard-${environment}, last ${observed.days} days: ${observed.requests.toLocaleString('en-US')} requests (${observed.requestsPerSecond.toPrecision(3)} req/s), busiest hour ${observed.peakToAverage.toFixed(1)}x the average` +
          (observed.billedMsPerRequest ? `, Lambda ${observed.billedMsPerRequest} ms a request` : '') +
          (observed.fargateCpuPercent === undefined ? '' : `, Fargate CPU ${observed.fargateCpuPercent.toFixed(0)}%`) +
          '\n',
      );
  }
  const priced = buildWorkload(input, () => readMeasuredCosts());
  const report = buildReport(priced);
  if (command.chart) {
    const svg = await renderSvg(chartSpec(priced.levels[0]!, priced.environment.name));
    mkdirSync(dirname(userPath(command.chart)), { recursive: true });
    writeFileSync(userPath(command.chart), svg);
  }
  out(command.json ? JSON.stringify(report, null, 2) : formatReport(report));
  if (command.chart && !command.json) out(`\nchart: ${command.chart}`);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: Error) => {
    console.error(
      error instanceof InputError ? `cost: ${error.message.replace(/\n/g, '\ncost: ')}` : `cost: ${error.stack ?? error.message}`,
    );
    process.exit(error instanceof InputError ? 2 : 1);
  });
}
