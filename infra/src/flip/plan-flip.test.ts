import { liveLambdaWeight, parsePause, parseRamp, planFlip } from './plan-flip';
import { parseTarget } from './traffic';

const weights = (current: number, target: 'lambda' | 'fargate' | number, ramp?: number[]) =>
  planFlip(current, target, ramp).map((s) => s.lambdaWeight);

describe('planFlip', () => {
  test.each([
    ['Lambda → Fargate in one apply', 100, 'fargate', undefined, [0]],
    ['Fargate → Lambda in one apply', 0, 'lambda', undefined, [100]],
    ['to a canary', 100, 10, undefined, [10]],
    ['a ramp to Fargate', 100, 'fargate', [10, 50, 100], [90, 50, 0]],
    ['a ramp back to Lambda', 0, 'lambda', [25, 100], [25, 100]],
    ['a ramp from a canary skips the steps already passed', 40, 'fargate', [10, 50, 100], [0]],
    ['nothing to move', 100, 'lambda', undefined, []],
  ] as const)('%s', (_, current, target, ramp, expected) => {
    expect(weights(current, target, ramp ? [...ramp] : undefined)).toEqual(expected);
  });

  test('a ramp must end with all traffic on the target, and needs a compute as the target', () => {
    expect(() => planFlip(100, 'fargate', [10, 50])).toThrow(/must end at 100/);
    expect(() => planFlip(100, 50, [10, 100])).toThrow(/needs a compute/);
  });
});

describe('flip arguments', () => {
  test.each([
    ['lambda', 'lambda'],
    ['fargate', 'fargate'],
    ['25', 25],
    ['0', 0],
    ['100', 100],
  ])('target %s', (text, parsed) => {
    expect(parseTarget(text)).toBe(parsed);
  });

  test.each(['ec2', '101', '-1', '12.5', ''])('rejects target %j', (text) => {
    expect(() => parseTarget(text)).toThrow(/not a traffic target/);
  });

  test('ramps and pauses', () => {
    expect(parseRamp('10, 50,100')).toEqual([10, 50, 100]);
    expect(() => parseRamp('50,10,100')).toThrow(/must rise/);
    expect(() => parseRamp('10,x')).toThrow(/whole percentages/);
    expect(parsePause('90s')).toBe(90_000);
    expect(parsePause('5m')).toBe(300_000);
    expect(() => parsePause('5 minutes')).toThrow(/e.g. 5m/);
  });

  test('the live split comes from the stack outputs, and a stack without them is refused', () => {
    expect(liveLambdaWeight(JSON.stringify({ traffic_weights: { value: { lambda: 90, fargate: 10 } } }))).toBe(90);
    expect(() => liveLambdaWeight('{}')).toThrow(/deploy it once/);
    expect(() => liveLambdaWeight('not json')).toThrow(/deploy it once/);
  });
});
