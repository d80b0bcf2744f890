import type { Compute } from '../config/environments';

/** Parses `lambda`, `fargate` or a Lambda percentage; anything else is an error users can act on. */
export function parseTarget(text: string): Compute | number {
  if (text === 'lambda' || text === 'fargate') return text;
  if (/^\d{1,3}$/.test(text) && Number(text) <= 100) return Number(text);
  throw new Error(`"${text}" is not a traffic target: use lambda, fargate, or the percent (0-100) to send to Lambda`);
}

export function describeTraffic(lambdaWeight: number): string {
  if (lambdaWeight === 100) return 'all on Lambda';
  if (lambdaWeight === 0) return 'all on Fargate';
  return `${lambdaWeight}% Lambda / ${100 - lambdaWeight}% Fargate`;
}
