/**
 * List prices, on-demand, US East (N. Virginia), in USD, as published on the date below. One table,
 * so a price change is one edit and one date. Each group names the page it was read from.
 * Data transfer out to the internet is left out: it is the same whichever compute answers.
 */
export const PRICES = {
  asOf: '2026-11-01',
  region: 'us-east-1',
  /** AWS prices a month as 730 hours. */
  hoursPerMonth: 730,
  lambda: {
    source: 'https://aws.amazon.com/lambda/pricing/',
    /** First duration tier (the first 6 billion x86 GB-s, 7.5 billion arm64 GB-s, a month). */
    perGbSecond: { x86_64: 0.0000166667, arm64: 0.0000133334 },
    perMillionRequests: 0.2,
    /** The always-free tier, per account and month; off unless asked for. */
    freeTier: { requests: 1_000_000, gbSeconds: 400_000 },
  },
  fargate: {
    source: 'https://aws.amazon.com/fargate/pricing/',
    /** Linux. Per second, with a one-minute minimum per task. */
    perVcpuHour: { x86_64: 0.04048, arm64: 0.03238 },
    perGbHour: { x86_64: 0.004445, arm64: 0.00356 },
    /** Fargate Spot varies with time and place; this is the figure read on the date above. Spot runs x86_64 only. */
    spot: { perVcpuHour: 0.01334053, perGbHour: 0.00146489 },
  },
  alb: {
    source: 'https://aws.amazon.com/elasticloadbalancing/pricing/',
    perHour: 0.0225,
    perLcuHour: 0.008,
    /** One LCU is the most of any one of these an hour; the ALB bills the largest. */
    lcu: {
      newConnectionsPerSecond: 25,
      activeConnectionsPerMinute: 3000,
      processedGbPerHourIpTargets: 1,
      processedGbPerHourLambdaTargets: 0.4,
      ruleEvaluationsPerSecond: 1000,
      freeRules: 10,
    },
  },
  vpc: {
    source: 'https://aws.amazon.com/vpc/pricing/',
    /** Every public IPv4 address, in use or not: the ALB's (one per zone) and a task's own. */
    publicIpv4PerHour: 0.005,
    natGatewayPerHour: 0.045,
    natGatewayPerGb: 0.045,
  },
  logs: {
    source: 'https://aws.amazon.com/cloudwatch/pricing/',
    /** Standard log class, ingestion. */
    perGbIngested: 0.5,
  },
} as const;

/**
 * Other regions, as one multiplier on the us-east-1 prices above: the ratio of each region's
 * Fargate vCPU-hour to us-east-1's, read on the same date. Lambda, the ALB and NAT move by
 * similar ratios in these regions; where they do not, the estimate is off by a few percent.
 */
export const REGION_MULTIPLIERS: Readonly<Record<string, number>> = {
  'us-east-1': 1,
  'us-east-2': 1,
  'us-west-2': 1,
  'us-west-1': 1.15,
  'ca-central-1': 1.1,
  'eu-west-1': 1.0,
  'eu-west-2': 1.15,
  'eu-central-1': 1.15,
  'eu-north-1': 1.05,
  'ap-northeast-1': 1.25,
  'ap-southeast-1': 1.25,
  'ap-southeast-2': 1.22,
  'ap-south-1': 1.05,
  'sa-east-1': 1.55,
};

export type Architecture = keyof typeof PRICES.lambda.perGbSecond;
export const ARCHITECTURES = Object.keys(PRICES.lambda.perGbSecond) as Architecture[];
