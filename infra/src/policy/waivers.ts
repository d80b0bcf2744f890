/** A rule a stack does not meet, on purpose, and why. Each waiver is tested to still be needed. */
export interface Waiver {
  readonly ruleId: string;
  readonly stack: string;
  readonly justification: string;
}

export const WAIVERS: Waiver[] = [
  {
    ruleId: 'ECS.2',
    stack: 'switchyard-dev',
    justification:
      'dev has no NAT gateway (saves about $33 a month); tasks need a public IP to pull the image. Their security group still admits only the ALB.',
  },
  {
    ruleId: 'CKV_AWS_115',
    stack: 'switchyard-dev',
    justification:
      'dev shares the account’s unreserved concurrency; reserving some would take it from every other function in the account.',
  },
  {
    ruleId: 'CKV_AWS_115',
    stack: 'switchyard-prod',
    justification:
      'Reserving N executions needs an account concurrency quota of at least N + 100, which new accounts do not have; set lambda.reservedConcurrency in environments.ts once the quota allows.',
  },
];
