import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_RULE_DELAY, drawDelayMs, formatRuleDelay, parseRuleDelay, readRuleDelay, writeRuleDelay } from './rule-delay';

test('a rule delay is seconds or a range of seconds, and reads back as written', () => {
  expect(parseRuleDelay('0')).toEqual({ minSeconds: 0, maxSeconds: 0 });
  expect(parseRuleDelay('20')).toEqual({ minSeconds: 20, maxSeconds: 20 });
  expect(parseRuleDelay(' 0-20 ')).toEqual({ minSeconds: 0, maxSeconds: 20 });
  expect(parseRuleDelay('0.5-1.5')).toEqual({ minSeconds: 0.5, maxSeconds: 1.5 });
  for (const text of ['0', '20', '0-20', '2.5-7']) expect(formatRuleDelay(parseRuleDelay(text))).toBe(text);
});

test.each([
  ['soon', /expected seconds/],
  ['-3', /expected seconds/],
  ['10-2', /below its start/],
  ['0-601', /at most 600 s/],
])('"%s" is refused, saying why', (text, message) => {
  expect(() => parseRuleDelay(text)).toThrow(message);
});

test('each change draws its delay from the range, both ends included', () => {
  const delay = { minSeconds: 2, maxSeconds: 20 };
  expect(drawDelayMs(delay, () => 0)).toBe(2000);
  expect(drawDelayMs(delay, () => 0.5)).toBe(11_000);
  expect(drawDelayMs(delay, () => 0.999999)).toBe(20_000);
  expect(drawDelayMs({ minSeconds: 0, maxSeconds: 0 })).toBe(0);
});

test("a sandbox's rule delay is the default until set, then what was set", () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-rule-delay-'));
  try {
    expect(readRuleDelay(dir)).toEqual(DEFAULT_RULE_DELAY);
    writeRuleDelay(dir, { minSeconds: 0, maxSeconds: 45 });
    expect(readRuleDelay(dir)).toEqual({ minSeconds: 0, maxSeconds: 45 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
