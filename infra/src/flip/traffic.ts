import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Compute } from '../config/environments';

/** Where an environment's traffic goes: `lambdaWeight` percent to Lambda, the rest to Fargate. */
export interface TrafficSetting {
  readonly lambdaWeight: number;
}

/** stack name → setting. The file is the variables' default, so an ordinary deploy keeps the last flip. */
export type TrafficFile = Record<string, TrafficSetting>;

export function lambdaWeightFor(target: Compute | number): number {
  if (target === 'lambda') return 100;
  if (target === 'fargate') return 0;
  return target;
}

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

export function readTrafficFile(path: string): TrafficFile {
  if (!existsSync(path)) return {};
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as unknown;
  if (typeof parsed !== 'object' || parsed === null)
    throw new Error(`${path} must hold an object of stack name → { "lambdaWeight": 0-100 }`);
  for (const [stack, setting] of Object.entries(parsed)) {
    const weight = (setting as TrafficSetting | null)?.lambdaWeight;
    if (!Number.isInteger(weight) || weight! < 0 || weight! > 100)
      throw new Error(`${path}: ${stack}.lambdaWeight must be a whole number from 0 to 100`);
  }
  return parsed as TrafficFile;
}

export function writeTrafficFile(path: string, file: TrafficFile): void {
  writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`);
}
