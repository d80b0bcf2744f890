import { PRICES, REGION_MULTIPLIERS, type Architecture } from './prices';

/** Everything the model prices. Built and checked by workload.ts; every figure here is already valid. */
export interface Workload {
  /** Average over the day. */
  readonly requestsPerSecond: number;
  /** The busiest moment of the day over the average; 1 is flat traffic. */
  readonly peakToAverage: number;
  readonly region: string;
  readonly architecture: Architecture;
  readonly lambda: {
    readonly memoryMb: number;
    /** Billed duration of one request, at this memory, already rounded up to the millisecond. */
    readonly billedMsPerRequest: number;
    readonly freeTier: boolean;
  };
  readonly fargate: {
    readonly vcpu: number;
    readonly memoryGb: number;
    readonly minTasks: number;
    readonly maxTasks: number;
    /** Requests one vCPU serves each second at 100% CPU, measured. */
    readonly requestsPerVcpuSecond: number;
    /** The CPU target tracking keeps each task at. */
    readonly targetCpuPercent: number;
    /** The ALBRequestCountPerTarget target: requests per task in any one minute. */
    readonly requestsPerTaskPerMinute: number;
    readonly spot: boolean;
    /** Tasks keep running (at minTasks) while Lambda takes all traffic (the stack's fargate_standby). */
    readonly standby: boolean;
  };
  readonly network: {
    /** A NAT gateway: tasks run in private subnets. Without one they run with public IPv4 addresses. */
    readonly natGateway: boolean;
    /** The ALB holds one public IPv4 address in each. */
    readonly availabilityZones: number;
  };
  readonly traffic: {
    /** Request and response together, as the ALB counts processed bytes. */
    readonly bytesPerRequest: number;
    readonly requestsPerConnection: number;
    readonly connectionSeconds: number;
    /** Bytes of application log per request (one line), on both computes. */
    readonly logBytesPerRequest: number;
    /** Lambda's own START, END and REPORT lines for every invocation. */
    readonly lambdaPlatformLogBytes: number;
  };
}

export interface CostLines {
  readonly lambda: number;
  readonly fargate: number;
  /** ALB capacity units; the ALB's hourly charge is fixed and listed apart. */
  readonly albLcu: number;
  /** Public IPv4 addresses of the tasks (none behind a NAT gateway). */
  readonly taskIpv4: number;
  readonly natData: number;
  readonly logs: number;
}

export interface FixedCosts {
  readonly albHours: number;
  /** The ALB's addresses (one a zone) and the NAT gateway's, if there is one. */
  readonly publicIpv4: number;
  readonly natHours: number;
}

export interface MonthlyCost {
  /** Share of requests Lambda serves, 0 to 1. */
  readonly lambdaShare: number;
  readonly variable: CostLines;
  readonly fixed: FixedCosts;
  readonly total: number;
  /** Fargate tasks at the busiest hour (0 when no task runs). */
  readonly peakTasks: number;
  /** Task-hours in the month. */
  readonly taskHours: number;
}

const GB = 1024 ** 3;
/** The day is priced hour by hour: autoscaling follows traffic, and each hour is 1/24 of the month. */
const HOURS_IN_DAY = 24;
/** Traffic peaks at 14:00 in the daily shape; only the shape matters, not the hour. */
const PEAK_HOUR = 14;

export function requestsPerMonth(requestsPerSecond: number): number {
  return requestsPerSecond * PRICES.hoursPerMonth * 3600;
}

function regionMultiplier(region: string): number {
  const multiplier = REGION_MULTIPLIERS[region];
  if (multiplier === undefined) throw new Error(`no prices for region ${region}`);
  return multiplier;
}

/**
 * The day's traffic, hour by hour, as multiples of the average (their mean is 1, their largest is
 * `peakToAverage`). A cosine peaking mid-afternoon; beyond a peak of 2 the night is cut to zero and
 * the day narrows, so any ratio of 1 or more has a shape. The cut is found by bisection.
 */
export function dailyShape(peakToAverage: number): readonly number[] {
  let shape = shapes.get(peakToAverage);
  if (!shape) {
    shape = Object.freeze(shapeFor(peakToAverage));
    if (shapes.size >= 1000) shapes.clear();
    shapes.set(peakToAverage, shape);
  }
  return shape;
}
/** Shapes already found; a break-even search prices the same shape hundreds of times. */
const shapes = new Map<number, readonly number[]>();

function shapeFor(peakToAverage: number): number[] {
  const wave = Array.from({ length: HOURS_IN_DAY }, (_, hour) => Math.cos((2 * Math.PI * (hour - PEAK_HOUR)) / HOURS_IN_DAY));
  const shaped = (cut: number) => {
    const levels = wave.map((w) => Math.max(0, w - cut));
    const mean = levels.reduce((a, b) => a + b, 0) / HOURS_IN_DAY;
    return levels.map((level) => level / mean);
  };
  if (peakToAverage <= 1) return wave.map(() => 1);
  const peakOf = (cut: number) => Math.max(...shaped(cut));
  // The peak ratio grows with the cut: from 1 (cut far below -1) towards 24 (a cut near 1, one hour left).
  let low = -1e9;
  let high = Math.cos((2 * Math.PI) / HOURS_IN_DAY) - 1e-12;
  if (peakOf(high) < peakToAverage) return shaped(high);
  for (let i = 0; i < 200; i++) {
    const mid = (low + high) / 2;
    if (peakOf(mid) < peakToAverage) low = mid;
    else high = mid;
  }
  return shaped(high);
}

/** Fargate's charge for tasks of one size running `taskSeconds` in all (per second, Linux), before any region multiplier. */
export function fargateCharge(vcpu: number, memoryGb: number, taskSeconds: number, architecture: Architecture, spot = false): number {
  const prices = spot
    ? PRICES.fargate.spot
    : { perVcpuHour: PRICES.fargate.perVcpuHour[architecture], perGbHour: PRICES.fargate.perGbHour[architecture] };
  return ((vcpu * prices.perVcpuHour + memoryGb * prices.perGbHour) * taskSeconds) / 3600;
}

/** What one task of this size costs an hour. */
export function taskHourPrice(workload: Workload): number {
  const { fargate, architecture } = workload;
  return fargateCharge(fargate.vcpu, fargate.memoryGb, 3600, architecture, fargate.spot) * regionMultiplier(workload.region);
}

export interface TaskCapacity {
  /** Requests a second one task absorbs before autoscaling adds the next. */
  readonly requestsPerSecond: number;
  /** Which target tracking policy adds the next task first. */
  readonly boundBy: 'cpu' | 'requests';
}

/** The stack scales on CPU and on requests per task; whichever asks for more tasks wins. */
export function taskCapacity(workload: Workload): TaskCapacity {
  const { fargate } = workload;
  const byCpu = fargate.requestsPerVcpuSecond * fargate.vcpu * (fargate.targetCpuPercent / 100);
  const byRequests = fargate.requestsPerTaskPerMinute / 60;
  return byCpu <= byRequests ? { requestsPerSecond: byCpu, boundBy: 'cpu' } : { requestsPerSecond: byRequests, boundBy: 'requests' };
}

/**
 * Tasks running each hour of the day. Autoscaling is taken as keeping up with the hour's average;
 * the minutes it takes to add a task are not priced. `maxTasks` is not applied: the model says what
 * the traffic needs, and the report warns when that is more than the environment allows.
 */
export function tasksByHour(workload: Workload, fargateRequestsPerSecond: number, lambdaShare: number): number[] {
  const shape = dailyShape(workload.peakToAverage);
  const perTask = taskCapacity(workload).requestsPerSecond;
  return shape.map((level) => {
    if (lambdaShare >= 1) return workload.fargate.standby ? workload.fargate.minTasks : 0;
    return Math.max(workload.fargate.minTasks, Math.ceil((fargateRequestsPerSecond * level) / perTask - 1e-9));
  });
}

export function lambdaCost(workload: Workload, requests: number): number {
  const { lambda, architecture } = workload;
  const gbSeconds = requests * (lambda.billedMsPerRequest / 1000) * (lambda.memoryMb / 1024);
  const free = lambda.freeTier ? PRICES.lambda.freeTier : { requests: 0, gbSeconds: 0 };
  const requestCharge = (Math.max(0, requests - free.requests) / 1e6) * PRICES.lambda.perMillionRequests;
  const durationCharge = Math.max(0, gbSeconds - free.gbSeconds) * PRICES.lambda.perGbSecond[architecture];
  return (requestCharge + durationCharge) * regionMultiplier(workload.region);
}

/** ALB capacity units for one hour: the largest of the dimensions, with Lambda's bytes counted at its own rate. */
function lcuForHour(workload: Workload, requestsPerSecond: number, lambdaShare: number): number {
  const { lcu } = PRICES.alb;
  const { traffic } = workload;
  const newConnections = requestsPerSecond / traffic.requestsPerConnection;
  const activeConnections = newConnections * traffic.connectionSeconds;
  const gbPerHour = (requestsPerSecond * traffic.bytesPerRequest * 3600) / GB;
  const processed =
    (gbPerHour * lambdaShare) / lcu.processedGbPerHourLambdaTargets + (gbPerHour * (1 - lambdaShare)) / lcu.processedGbPerHourIpTargets;
  return Math.max(newConnections / lcu.newConnectionsPerSecond, activeConnections / lcu.activeConnectionsPerMinute, processed);
}

/** The month's cost with `lambdaShare` of requests on Lambda and the rest on Fargate. */
export function monthlyCost(workload: Workload, lambdaShare: number): MonthlyCost {
  const multiplier = regionMultiplier(workload.region);
  const hoursPerBucket = PRICES.hoursPerMonth / HOURS_IN_DAY;
  const requests = requestsPerMonth(workload.requestsPerSecond);
  const lambdaRequests = requests * lambdaShare;
  const fargateRequests = requests - lambdaRequests;

  const tasks = tasksByHour(workload, workload.requestsPerSecond * (1 - lambdaShare), lambdaShare);
  const taskHours = tasks.reduce((a, b) => a + b, 0) * hoursPerBucket;
  const shape = dailyShape(workload.peakToAverage);
  const lcuHours =
    shape.reduce((sum, level) => sum + lcuForHour(workload, workload.requestsPerSecond * level, lambdaShare), 0) * hoursPerBucket;
  const { traffic, network } = workload;
  const fargateLogGb = (fargateRequests * traffic.logBytesPerRequest) / GB;
  const lambdaLogGb = (lambdaRequests * (traffic.logBytesPerRequest + traffic.lambdaPlatformLogBytes)) / GB;

  const variable: CostLines = {
    lambda: lambdaCost(workload, lambdaRequests),
    fargate: taskHours * taskHourPrice(workload),
    albLcu: lcuHours * PRICES.alb.perLcuHour * multiplier,
    taskIpv4: network.natGateway ? 0 : taskHours * PRICES.vpc.publicIpv4PerHour,
    // Tasks behind NAT send their logs through it; Lambda runs outside the VPC.
    natData: network.natGateway ? fargateLogGb * PRICES.vpc.natGatewayPerGb * multiplier : 0,
    logs: (fargateLogGb + lambdaLogGb) * PRICES.logs.perGbIngested * multiplier,
  };
  const fixed: FixedCosts = {
    albHours: PRICES.hoursPerMonth * PRICES.alb.perHour * multiplier,
    publicIpv4: PRICES.hoursPerMonth * (network.availabilityZones + (network.natGateway ? 1 : 0)) * PRICES.vpc.publicIpv4PerHour,
    natHours: network.natGateway ? PRICES.hoursPerMonth * PRICES.vpc.natGatewayPerHour * multiplier : 0,
  };
  const sum = (lines: object) => Object.values(lines).reduce((a: number, b: number) => a + b, 0);
  return { lambdaShare, variable, fixed, total: sum(variable) + sum(fixed), peakTasks: Math.max(...tasks), taskHours };
}

export interface BreakEven {
  readonly requestsPerSecond: number;
  readonly requestsPerMonth: number;
  /** The monthly total of either compute there. */
  readonly monthlyCost: number;
  /**
   * Where Lambda is cheaper again, if it is within the range searched. It happens when a task
   * absorbs so few requests before autoscaling adds the next (a low requests-per-task target) that
   * each request costs more on Fargate than on Lambda.
   */
  readonly lambdaCheaperAgainFrom?: number;
}

const SEARCH_STEPS = 240;

/** The traffic in (below, above] where `gap` turns from negative to not negative. */
function refine(gap: (rps: number) => number, below: number, above: number, rising: boolean): number {
  let low = below;
  let high = above;
  for (let i = 0; i < 100 && high - low > high * 1e-12; i++) {
    const mid = (low + high) / 2;
    if (gap(mid) >= 0 === rising) high = mid;
    else low = mid;
  }
  return high;
}

/**
 * The lowest average traffic at which Fargate costs no more than Lambda. Lambda's cost rises in a
 * straight line with traffic; Fargate's rises in steps, a task at a time, so the two can cross more
 * than once. Crossings are found on a log grid and refined by bisection. Undefined when Lambda is
 * cheaper throughout the range.
 */
export function breakEven(workload: Workload, range: readonly [number, number] = [0.001, 1_000_000]): BreakEven | undefined {
  const at = (rps: number) => ({ ...workload, requestsPerSecond: rps });
  const gap = (rps: number) => monthlyCost(at(rps), 1).total - monthlyCost(at(rps), 0).total;
  const grid = Array.from({ length: SEARCH_STEPS + 1 }, (_, i) => range[0] * (range[1] / range[0]) ** (i / SEARCH_STEPS));
  const firstCheaper = grid.findIndex((rps) => gap(rps) >= 0);
  if (firstCheaper < 0) return undefined;
  const crossing = firstCheaper === 0 ? grid[0]! : refine(gap, grid[firstCheaper - 1]!, grid[firstCheaper]!, true);
  const firstDearer = grid.findIndex((rps, i) => i > firstCheaper && gap(rps) < 0);
  const lambdaCheaperAgainFrom = firstDearer < 0 ? undefined : refine(gap, grid[firstDearer - 1]!, grid[firstDearer]!, false);
  return {
    requestsPerSecond: crossing,
    requestsPerMonth: requestsPerMonth(crossing),
    monthlyCost: monthlyCost(at(crossing), 0).total,
    ...(lambdaCheaperAgainFrom === undefined ? {} : { lambdaCheaperAgainFrom }),
  };
}
