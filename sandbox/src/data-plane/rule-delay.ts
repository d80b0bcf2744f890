import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/*
 * How late a listener or rule change reaches the sandbox's load balancer. On AWS, "rule updates
 * do not take effect immediately": for a while after a change, requests may still follow the old
 * rule. The sandbox makes that window real, so the stack's drain gate (ROUTING_SETTLE_SECONDS)
 * is exercised rather than assumed.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-update-rules.html
 */

export interface RuleDelay {
  readonly minSeconds: number;
  readonly maxSeconds: number;
}

/** The sandbox's default: up to 20 s, at random, for each change. */
export const DEFAULT_RULE_DELAY: RuleDelay = { minSeconds: 0, maxSeconds: 20 };

/** Reads "0", "20" or "0-20" (seconds); a clear error otherwise. */
export function parseRuleDelay(text: string): RuleDelay {
  const match = /^(\d+(?:\.\d+)?)(?:-(\d+(?:\.\d+)?))?$/.exec(text.trim());
  if (!match) throw new Error(`rule delay "${text}": expected seconds, or a range of seconds such as 0-20`);
  const minSeconds = Number(match[1]);
  const maxSeconds = match[2] === undefined ? minSeconds : Number(match[2]);
  if (maxSeconds < minSeconds) throw new Error(`rule delay "${text}": the range's end is below its start`);
  if (maxSeconds > 600) throw new Error(`rule delay "${text}": at most 600 s`);
  return { minSeconds, maxSeconds };
}

export function formatRuleDelay(delay: RuleDelay): string {
  return delay.minSeconds === delay.maxSeconds ? `${delay.minSeconds}` : `${delay.minSeconds}-${delay.maxSeconds}`;
}

/** One change's delay, in ms, drawn uniformly from the range. */
export function drawDelayMs(delay: RuleDelay, random: () => number = Math.random): number {
  return Math.round((delay.minSeconds + random() * (delay.maxSeconds - delay.minSeconds)) * 1000);
}

/** Where a sandbox keeps its rule delay, so `sandbox up --rule-delay` changes a running one. */
const RULE_DELAY_FILE = 'rule-delay';

export function writeRuleDelay(dir: string, delay: RuleDelay): void {
  writeFileSync(join(dir, RULE_DELAY_FILE), `${formatRuleDelay(delay)}\n`);
}

/** The sandbox's rule delay as last set, else the default. */
export function readRuleDelay(dir: string): RuleDelay {
  const file = join(dir, RULE_DELAY_FILE);
  return existsSync(file) ? parseRuleDelay(readFileSync(file, 'utf8')) : DEFAULT_RULE_DELAY;
}
