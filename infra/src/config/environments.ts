/** Which compute serves traffic when neither `compute` nor `lambda_weight` is set at apply time. */
export type Compute = 'lambda' | 'fargate';
/** One image serves both computes, so they share one CPU architecture. */
export type CpuArchitecture = 'x86_64' | 'arm64';

export interface NewVpc {
  readonly kind: 'new';
  /** A /16 to /24; split into two public and two private subnets. */
  readonly cidr: string;
  /**
   * One NAT gateway (in the first AZ) for egress from private subnets: about $33 a month plus $0.045
   * per GB before any traffic. Without it, Fargate tasks run in the public subnets with public IPs (still
   * admitting traffic only from the ALB) so they can pull the image.
   */
  readonly natGateway: boolean;
}

export interface ExistingVpc {
  readonly kind: 'existing';
  readonly vpcId: string;
  readonly cidr: string;
  readonly publicSubnetIds: readonly [string, string];
  readonly privateSubnetIds: readonly [string, string];
  /** Whether the private subnets already reach the internet (NAT or endpoints); see NewVpc.natGateway. */
  readonly natGateway: boolean;
}

/**
 * What a compute must show, over one-minute periods of the ALB's target-group metrics, for a flip to go
 * on; the stack's alarms fire on the same limits. See the README's "A flip with a safety net".
 */
export interface SafetyNet {
  /** Errors over requests above which a compute fails: target 5XX, plus Lambda's errors for the function. */
  readonly maxErrorRate: number;
  /** p99 TargetResponseTime above which a compute fails, in milliseconds. */
  readonly maxP99Ms: number;
  /** Requests a compute must serve in a window before it is judged; with fewer the verdict is inconclusive. */
  readonly minRequests: number;
  /** The new compute fails when its error rate is more than this above the old compute's, in the same window. */
  readonly maxErrorRateIncrease: number;
  /** ...or when its p99 is more than this many times the old compute's (and over `relativeP99FloorMs`). */
  readonly maxP99Ratio: number;
  /** Below this p99 (ms) the new compute is never failed for being slower than the old: both are fast. */
  readonly relativeP99FloorMs: number;
  /** Whole minutes of metrics each step is judged on, after the change is in effect. `pnpm flip --bake` overrides it. */
  readonly bakeMinutes: number;
  /** Too few requests to judge: stay at the step and exit (hold), or go back to the previous split (rollback). */
  readonly onInconclusive: 'hold' | 'rollback';
  /** One-minute periods in a row a limit must be breached before an alarm fires. */
  readonly alarmPeriods: number;
  /** An address the alarms' SNS topic emails (the subscription must be confirmed); without it the topic has no subscriber. */
  readonly notifyEmail?: string;
}

export interface EnvironmentConfig {
  /** Names every resource (`switchyard-<name>-...`) and the stack. */
  readonly name: string;
  readonly region: string;
  /** Availability zones by suffix (`a` → `<region>a`), named rather than looked up so plans run offline. */
  readonly availabilityZoneSuffixes: readonly [string, string];
  readonly network: NewVpc | ExistingVpc;
  readonly defaultCompute: Compute;
  readonly architecture: CpuArchitecture;
  readonly fargate: {
    /** CPU units (256 = 0.25 vCPU) and memory, a pair Fargate accepts. */
    readonly cpu: number;
    readonly memoryMiB: number;
    /** Tasks while Fargate takes traffic; autoscaling moves between min and max. */
    readonly minTasks: number;
    readonly maxTasks: number;
    readonly targetCpuPercent: number;
    readonly targetRequestsPerTask: number;
  };
  readonly lambda: {
    readonly memoryMiB: number;
    /**
     * Caps concurrency (and cost). Omit to share the account's unreserved pool. Lambda keeps at
     * least 100 concurrent executions unreserved, so reserving N needs an account quota of at
     * least N + 100: the default quota of new accounts can be as low as 10. @default none
     */
    readonly reservedConcurrency?: number;
  };
  /** ACM certificate in `region`; when set, HTTP redirects to HTTPS. */
  readonly certificateArn?: string;
  /**
   * Serve plain HTTP when there is no certificate. Without a certificate the stack refuses to
   * synthesize unless this is set: plain HTTP must be a decision, not an accident. @default false
   */
  readonly allowPlainHttp?: boolean;
  readonly logRetentionDays: number;
  /** ECR keeps this many most recent images. */
  readonly keepImages: number;
  /** ALB deletion protection: on in production so a stray destroy cannot take the URL. */
  readonly deletionProtection: boolean;
  readonly safetyNet: SafetyNet;
}

export const ENVIRONMENTS: Readonly<Record<string, EnvironmentConfig>> = {
  dev: {
    name: 'dev',
    region: 'us-east-1',
    availabilityZoneSuffixes: ['a', 'b'],
    network: { kind: 'new', cidr: '10.20.0.0/16', natGateway: false },
    defaultCompute: 'lambda',
    architecture: 'x86_64',
    fargate: { cpu: 256, memoryMiB: 512, minTasks: 1, maxTasks: 2, targetCpuPercent: 60, targetRequestsPerTask: 500 },
    lambda: { memoryMiB: 512 },
    allowPlainHttp: true,
    logRetentionDays: 14,
    keepImages: 10,
    deletionProtection: false,
    safetyNet: {
      maxErrorRate: 0.05,
      maxP99Ms: 2000,
      minRequests: 50,
      maxErrorRateIncrease: 0.02,
      maxP99Ratio: 2,
      relativeP99FloorMs: 250,
      bakeMinutes: 2,
      onInconclusive: 'hold',
      alarmPeriods: 2,
    },
  },
  prod: {
    name: 'prod',
    region: 'us-east-1',
    availabilityZoneSuffixes: ['a', 'b'],
    network: { kind: 'new', cidr: '10.30.0.0/16', natGateway: true },
    defaultCompute: 'lambda',
    architecture: 'x86_64',
    fargate: { cpu: 512, memoryMiB: 1024, minTasks: 2, maxTasks: 10, targetCpuPercent: 60, targetRequestsPerTask: 1000 },
    lambda: { memoryMiB: 1024 },
    // No certificate is configured in this repository; set certificateArn and remove this before
    // serving real users.
    allowPlainHttp: true,
    logRetentionDays: 90,
    keepImages: 30,
    deletionProtection: true,
    safetyNet: {
      maxErrorRate: 0.01,
      maxP99Ms: 1000,
      minRequests: 200,
      maxErrorRateIncrease: 0.005,
      maxP99Ratio: 1.5,
      relativeP99FloorMs: 250,
      bakeMinutes: 5,
      onInconclusive: 'rollback',
      alarmPeriods: 3,
    },
  },
};

// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size
const FARGATE_MEMORY_BY_CPU: Record<number, { min: number; max: number; step: number; extra?: number[] }> = {
  256: { min: 512, max: 2048, step: 1024, extra: [512] },
  512: { min: 1024, max: 4096, step: 1024 },
  1024: { min: 2048, max: 8192, step: 1024 },
  2048: { min: 4096, max: 16384, step: 1024 },
  4096: { min: 8192, max: 30720, step: 1024 },
};

/** Every problem with an environment, so a bad edit fails synth with all of them at once. */
export function environmentProblems(env: EnvironmentConfig): string[] {
  const problems: string[] = [];
  const problem = (condition: boolean, message: string) => condition || problems.push(`${env.name}: ${message}`);
  problem(/^[a-z][a-z0-9-]{0,15}$/.test(env.name), 'name must be 1-16 lower-case letters, digits or hyphens, starting with a letter');
  problem(/^[a-z]{2}(-[a-z]+)+-\d$/.test(env.region), `region "${env.region}" is not an AWS region name`);
  problem(
    env.availabilityZoneSuffixes.every((s) => /^[a-z]$/.test(s)),
    'availability zone suffixes are single letters',
  );
  problem(env.availabilityZoneSuffixes[0] !== env.availabilityZoneSuffixes[1], 'the two availability zones must differ');
  problem(/^\d{1,3}(\.\d{1,3}){3}\/(1[6-9]|2[0-4])$/.test(env.network.cidr), `VPC CIDR "${env.network.cidr}" must be a /16 to /24`);
  const memory = FARGATE_MEMORY_BY_CPU[env.fargate.cpu];
  problem(memory !== undefined, `Fargate cpu ${env.fargate.cpu} must be one of ${Object.keys(FARGATE_MEMORY_BY_CPU).join(', ')}`);
  if (memory) {
    const { min, max, step, extra = [] } = memory;
    const fits =
      extra.includes(env.fargate.memoryMiB) ||
      (env.fargate.memoryMiB >= min && env.fargate.memoryMiB <= max && env.fargate.memoryMiB % step === 0);
    problem(fits, `Fargate memory ${env.fargate.memoryMiB} MiB does not fit cpu ${env.fargate.cpu}`);
  }
  problem(env.fargate.minTasks >= 1 && env.fargate.maxTasks >= env.fargate.minTasks, 'Fargate needs 1 <= minTasks <= maxTasks');
  problem(env.lambda.memoryMiB >= 128 && env.lambda.memoryMiB <= 10240, 'Lambda memory must be 128 to 10240 MiB');
  problem(
    env.lambda.reservedConcurrency === undefined || env.lambda.reservedConcurrency >= 1,
    'Lambda reserved concurrency must be at least 1',
  );
  problem(!env.certificateArn || /^arn:aws[\w-]*:acm:/.test(env.certificateArn), 'certificateArn must be an ACM certificate ARN');
  problem(
    Boolean(env.certificateArn) || env.allowPlainHttp === true,
    'serves plain HTTP: set certificateArn, or allowPlainHttp: true to accept plain HTTP',
  );
  problem(
    [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653].includes(
      env.logRetentionDays,
    ),
    'logRetentionDays must be a CloudWatch retention value',
  );
  problem(env.keepImages >= 1, 'keepImages must be at least 1');
  const net = env.safetyNet;
  const rate = (r: number) => r >= 0 && r <= 1;
  problem(rate(net.maxErrorRate) && rate(net.maxErrorRateIncrease), 'safetyNet error rates are fractions from 0 to 1');
  problem(net.maxP99Ms > 0 && net.relativeP99FloorMs >= 0, 'safetyNet maxP99Ms must be positive and relativeP99FloorMs not negative');
  problem(Number.isInteger(net.minRequests) && net.minRequests >= 1, 'safetyNet minRequests must be a whole number from 1');
  problem(net.maxP99Ratio >= 1, 'safetyNet maxP99Ratio must be at least 1');
  problem(Number.isInteger(net.bakeMinutes) && net.bakeMinutes >= 1, 'safetyNet bakeMinutes must be whole minutes, at least 1');
  problem(Number.isInteger(net.alarmPeriods) && net.alarmPeriods >= 1, 'safetyNet alarmPeriods must be a whole number from 1');
  problem(!net.notifyEmail || /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(net.notifyEmail), 'safetyNet notifyEmail must be an email address');
  return problems;
}
