import {
  breakEven,
  monthlyCost,
  requestsPerMonth,
  taskCapacity,
  taskHourPrice,
  type BreakEven,
  type MonthlyCost,
  type Workload,
} from './model';
import { PRICES } from './prices';
import type { PricedWorkload } from './workload';

/** The splits priced beside the two computes: the canary steps `pnpm flip` takes. */
export const SPLITS = [
  { name: 'lambda', lambdaShare: 1 },
  { name: '90/10', lambdaShare: 0.9 },
  { name: '50/50', lambdaShare: 0.5 },
  { name: 'fargate', lambdaShare: 0 },
] as const;

export interface LevelReport {
  readonly requestsPerSecond: number;
  readonly requestsPerMonth: number;
  readonly splits: Readonly<Record<(typeof SPLITS)[number]['name'], MonthlyCost>>;
  readonly cheaper: 'lambda' | 'fargate';
  /** What each canary step costs an hour while it runs, and how much more than Lambda alone. */
  readonly canaryPerHour: Readonly<Record<'90/10' | '50/50', { readonly cost: number; readonly overLambda: number }>>;
  readonly recommendation: string;
  readonly warnings: readonly string[];
}

export interface CostReport {
  readonly environment: string;
  readonly pricesAsOf: string;
  readonly region: string;
  readonly architecture: string;
  readonly lambda: { readonly memoryMb: number; readonly billedMsPerRequest: number; readonly source: string };
  readonly fargate: {
    readonly vcpu: number;
    readonly memoryGb: number;
    readonly taskHourPrice: number;
    readonly requestsPerVcpuSecond: number;
    readonly source: string;
    /** Requests a second one task absorbs before autoscaling adds the next, and the policy that adds it. */
    readonly taskAbsorbs: { readonly requestsPerSecond: number; readonly boundBy: 'cpu' | 'requests' };
  };
  readonly levels: readonly LevelReport[];
  readonly breakEven: BreakEven | null;
  /** The break-even were tasks added on the CPU target alone; present when the request-count target binds first. */
  readonly breakEvenOnCpuTarget?: BreakEven | null;
  /** The fargate.targetRequestsPerTask (a minute) at which CPU would bind first. */
  readonly requestsPerTaskForCpuTarget?: number;
}

const money = (n: number) => `$${n.toFixed(2)}`;
const rate = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n >= 1 ? n.toFixed(1) : n.toPrecision(2));

function levelReport(workload: Workload, environment: string): LevelReport {
  const splits = Object.fromEntries(
    SPLITS.map(({ name, lambdaShare }) => [name, monthlyCost(workload, lambdaShare)]),
  ) as LevelReport['splits'];
  const cheaper = splits.fargate.total < splits.lambda.total ? 'fargate' : 'lambda';
  const saving = Math.abs(splits.lambda.total - splits.fargate.total);
  const hourly = (cost: MonthlyCost) => ({
    cost: cost.total / PRICES.hoursPerMonth,
    overLambda: (cost.total - splits.lambda.total) / PRICES.hoursPerMonth,
  });
  const warnings: string[] = [];
  if (splits.fargate.peakTasks > workload.fargate.maxTasks)
    warnings.push(
      `Fargate needs ${splits.fargate.peakTasks} tasks at the busiest hour, and ${environment} allows at most ${workload.fargate.maxTasks} (fargate.maxTasks in infra/src/config/environments.ts).`,
    );
  return {
    requestsPerSecond: workload.requestsPerSecond,
    requestsPerMonth: requestsPerMonth(workload.requestsPerSecond),
    splits,
    cheaper,
    canaryPerHour: { '90/10': hourly(splits['90/10']), '50/50': hourly(splits['50/50']) },
    recommendation: `${cheaper === 'lambda' ? 'Lambda' : 'Fargate'} is cheaper by ${money(saving)} a month: pnpm flip ${environment} ${cheaper}`,
    warnings,
  };
}

export function buildReport(priced: PricedWorkload): CostReport {
  const [first] = priced.levels;
  if (!first) throw new Error('no traffic level to price');
  const capacity = taskCapacity(first);
  const even = breakEven(first);
  const cpuOnly = { ...first, fargate: { ...first.fargate, requestsPerTaskPerMinute: Number.POSITIVE_INFINITY } };
  const onCpu =
    capacity.boundBy === 'requests'
      ? {
          breakEvenOnCpuTarget: breakEven(cpuOnly) ?? null,
          requestsPerTaskForCpuTarget: Math.ceil(taskCapacity(cpuOnly).requestsPerSecond * 60),
        }
      : {};
  return {
    environment: priced.environment.name,
    pricesAsOf: PRICES.asOf,
    region: first.region,
    architecture: first.architecture,
    lambda: {
      memoryMb: first.lambda.memoryMb,
      billedMsPerRequest: first.lambda.billedMsPerRequest,
      source: priced.sources.billedMsPerRequest,
    },
    fargate: {
      vcpu: first.fargate.vcpu,
      memoryGb: first.fargate.memoryGb,
      taskHourPrice: taskHourPrice(first),
      requestsPerVcpuSecond: first.fargate.requestsPerVcpuSecond,
      source: priced.sources.requestsPerVcpuSecond,
      taskAbsorbs: capacity,
    },
    levels: priced.levels.map((workload) => levelReport(workload, priced.environment.name)),
    breakEven: even ?? null,
    ...onCpu,
  };
}

/** The report as people read it: a table a month, the fixed costs apart, then what follows from it. */
export function formatReport(report: CostReport): string {
  const lines: string[] = [];
  const env = report.environment;
  lines.push(
    `${env}: ${report.region}, ${report.architecture}, prices of ${report.pricesAsOf}`,
    `  Lambda: ${report.lambda.memoryMb} MB, ${report.lambda.billedMsPerRequest} ms billed a request (${report.lambda.source})`,
    `  Fargate: ${report.fargate.vcpu} vCPU, ${report.fargate.memoryGb} GB, $${report.fargate.taskHourPrice.toFixed(4)} a task-hour; ` +
      `${rate(report.fargate.requestsPerVcpuSecond)} requests/s per vCPU at full CPU (${report.fargate.source})`,
    '',
    'Monthly cost (USD), fixed costs included; a row per average traffic level:',
    '',
    '| req/s | req/month | Lambda | 90/10 | 50/50 | Fargate | tasks at peak | cheaper |',
    '|---|---|---|---|---|---|---|---|',
  );
  for (const level of report.levels) {
    const s = level.splits;
    lines.push(
      `| ${rate(level.requestsPerSecond)} | ${(level.requestsPerMonth / 1e6).toFixed(1)} M | ${money(s.lambda.total)} | ${money(s['90/10'].total)} | ${money(s['50/50'].total)} | ${money(s.fargate.total)} | ${s.fargate.peakTasks} | ${level.cheaper} |`,
    );
  }
  const fixed = report.levels[0]!.splits.lambda.fixed;
  lines.push(
    '',
    `Fixed, whichever compute serves: ALB ${money(fixed.albHours)}` +
      (fixed.natHours ? `, NAT gateway ${money(fixed.natHours)}` : '') +
      `, public IPv4 addresses (the ALB's${fixed.natHours ? " and the NAT gateway's" : ''}) ${money(fixed.publicIpv4)}` +
      ` = ${money(fixed.albHours + fixed.publicIpv4 + fixed.natHours)} a month.`,
    '',
  );
  const absorbs = report.fargate.taskAbsorbs;
  lines.push(
    `One task absorbs ${rate(absorbs.requestsPerSecond)} req/s before autoscaling adds the next` +
      (absorbs.boundBy === 'requests'
        ? ` (the request-count target, fargate.targetRequestsPerTask a minute, binds before the CPU target).`
        : ' (bound by the CPU target).'),
  );
  const even = report.breakEven;
  if (!even) lines.push('Break-even: none between 0.001 and 1,000,000 req/s; Lambda is cheaper throughout.');
  else {
    lines.push(
      `Break-even: ${rate(even.requestsPerSecond)} req/s on average, ${(even.requestsPerMonth / 1e6).toFixed(1)} M requests a month, at ${money(even.monthlyCost)} a month either way.`,
    );
    if (even.lambdaCheaperAgainFrom !== undefined)
      lines.push(
        `  Above ${rate(even.lambdaCheaperAgainFrom)} req/s Lambda is cheaper again: each task takes so few requests before the next is added that a request costs more on Fargate.`,
      );
  }
  if (report.breakEvenOnCpuTarget !== undefined) {
    const cpuEven = report.breakEvenOnCpuTarget;
    lines.push(
      `With tasks added on the CPU target alone (fargate.targetRequestsPerTask of ${report.requestsPerTaskForCpuTarget!.toLocaleString('en-US')} or more): ` +
        (cpuEven
          ? `break-even at ${rate(cpuEven.requestsPerSecond)} req/s, ${(cpuEven.requestsPerMonth / 1e6).toFixed(1)} M requests a month.`
          : 'Lambda is still cheaper throughout.'),
    );
  }
  lines.push('');
  for (const level of report.levels) {
    const canary = level.canaryPerHour;
    lines.push(
      `At ${rate(level.requestsPerSecond)} req/s: ${level.recommendation}. A canary costs ${money(canary['90/10'].cost)} an hour at 90/10 ` +
        `(${signed(canary['90/10'].overLambda)} on Lambda alone) and ${money(canary['50/50'].cost)} at 50/50 (${signed(canary['50/50'].overLambda)}).`,
    );
    for (const warning of level.warnings) lines.push(`  warning: ${warning}`);
  }
  return lines.join('\n');
}

const signed = (n: number) => `${n < 0 ? '-' : '+'}${money(Math.abs(n))}`;
