import { planFlip } from './plan-flip';
import { lambdaWeightFor, parseTarget } from './traffic';

const summary = (current: number, target: number) =>
  planFlip(current, target).map((p) => `${p.name} w=${p.vars.lambda_weight} standby=${p.vars.fargate_standby}`);

describe('planFlip', () => {
  test.each([
    ['Lambda → Fargate: tasks first, then traffic', 100, 0, ['capacity w=100 standby=true', 'traffic w=0 standby=true']],
    ['Fargate → Lambda: traffic first, then tasks stop', 0, 100, ['traffic w=100 standby=true', 'release w=100 standby=false']],
    ['Lambda → canary: tasks first', 100, 90, ['capacity w=100 standby=true', 'traffic w=90 standby=true']],
    ['canary → Lambda: traffic away, then release', 90, 100, ['traffic w=100 standby=true', 'release w=100 standby=false']],
    ['canary → Fargate: tasks already run', 50, 0, ['traffic w=0 standby=true']],
    ['nothing to move', 100, 100, []],
    ['nothing to move on Fargate', 0, 0, []],
  ])('%s', (_, current, target, expected) => {
    expect(summary(current, target)).toEqual(expected);
  });

  test('no phase ever sends traffic to Fargate while it is scaled to zero', () => {
    for (let current = 0; current <= 100; current += 10) {
      for (let target = 0; target <= 100; target += 10) {
        let running = current < 100;
        for (const phase of planFlip(current, target)) {
          const weight = Number(phase.vars.lambda_weight);
          const runsDuring = weight < 100 || phase.vars.fargate_standby === 'true';
          // Traffic may reach Fargate in this apply only if its tasks ran before the apply began.
          if (weight < 100) expect(running).toBe(true);
          running = runsDuring;
        }
      }
    }
  });
});

describe('flip targets', () => {
  test.each([
    ['lambda', 100],
    ['fargate', 0],
    ['25', 25],
    ['0', 0],
    ['100', 100],
  ])('%s means %i%% to Lambda', (text, weight) => {
    expect(lambdaWeightFor(parseTarget(text))).toBe(weight);
  });

  test.each(['ec2', '101', '-1', '12.5', ''])('rejects %j', (text) => {
    expect(() => parseTarget(text)).toThrow(/not a traffic target/);
  });
});
