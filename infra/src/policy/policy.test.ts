import { ENVIRONMENTS, type EnvironmentConfig } from '../config/environments';
import type { SynthesizedStack } from '../stacks/synthesized-stack';
import { synthStack } from '../../test/support/synth-stack';
import { evaluate, RULES } from './policy';
import { WAIVERS } from './waivers';
import { StackView } from './stack-view';

const prod = ENVIRONMENTS.prod!;
// Every optional part on (HTTPS, an alarm topic), so every rule has something to check.
const prodWithEverything: EnvironmentConfig = {
  ...prod,
  certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc',
  allowPlainHttp: false,
  lambda: { ...prod.lambda, reservedConcurrency: 100 },
  safetyNet: { ...prod.safetyNet, notifyEmail: 'oncall@example.com' },
};
const view = (name: string, json: SynthesizedStack) => new StackView(name, json);

describe('policy: every stack complies, apart from the listed waivers', () => {
  test(`there are at least 30 rules, each with an id and a reason`, () => {
    expect(RULES.length).toBeGreaterThanOrEqual(30);
    expect(new Set(RULES.map((r) => r.id)).size).toBe(RULES.length);
    RULES.forEach((r) => expect(r.reason.length).toBeGreaterThan(10));
  });

  test.each(
    [...Object.values(ENVIRONMENTS), prodWithEverything].map(
      (env) => [env.certificateArn ? `${env.name} with HTTPS and an alarm topic` : env.name, env] as const,
    ),
  )('%s', (_, env) => {
    const findings = evaluate(view(`switchyard-${env.name}`, synthStack(env)));
    expect(findings.filter((f) => !f.waived)).toEqual([]);
  });

  test('every waiver names a rule and is still needed', () => {
    for (const waiver of WAIVERS) {
      expect(RULES.map((r) => r.id)).toContain(waiver.ruleId);
      const env = Object.values(ENVIRONMENTS).find((e) => `switchyard-${e.name}` === waiver.stack)!;
      expect(evaluate(view(waiver.stack, synthStack(env))).some((f) => f.waived === waiver)).toBe(true);
    }
  });
});

// Each rule must catch what it is about: break a compliant stack that way and the rule reports it.
describe('policy: each rule catches the violation it names', () => {
  const compliant = synthStack(prodWithEverything);

  test.each(RULES.map((r) => [r.id, r] as const))('%s', (_, rule) => {
    const broken = structuredClone(compliant);
    rule.breakingExample(broken);
    expect(rule.check(view('switchyard-prod', broken)).length).toBeGreaterThan(0);
    expect(rule.check(view('switchyard-prod', compliant))).toEqual([]);
  });
});
