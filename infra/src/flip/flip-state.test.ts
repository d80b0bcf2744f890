import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clearFlipState, describeFlipState, readFlipState, writeFlipState } from './flip-state';
import { stackIds } from './stack-ids';

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'switchyard-flip-state-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const base = {
  stack: 'switchyard-dev',
  environment: 'dev',
  start: 100,
  steps: [90, 50, 0],
  step: 1,
  phase: 'bake' as const,
  bakeMinutes: 2,
  pauseMs: 0,
};

describe("a flip's state file", () => {
  test('is what was written, whole, and gone once cleared', () => {
    const file = join(dir, 'flips', 'switchyard-dev.json');
    expect(readFlipState(file)).toBeUndefined();
    writeFlipState(file, base);
    expect(readFlipState(file)).toMatchObject({ version: 1, ...base });
    // Written through a temporary file, renamed into place: nothing else is left beside it.
    expect(readdirSync(join(dir, 'flips'))).toEqual(['switchyard-dev.json']);
    clearFlipState(file);
    expect(readFlipState(file)).toBeUndefined();
  });

  test.each([
    ['not JSON', '{', /not JSON/],
    ['a step past the end', JSON.stringify({ version: 1, ...base, step: 3 }), /not a flip's state this version can finish/],
    ['a rollback with nowhere to go', JSON.stringify({ version: 1, ...base, phase: 'rollback' }), /not a flip's state/],
    ['a weight over 100', JSON.stringify({ version: 1, ...base, steps: [150] }), /not a flip's state/],
  ])('refuses %s, saying what to do', (_, text, message) => {
    const file = join(dir, 'state.json');
    writeFileSync(file, text);
    expect(() => readFlipState(file)).toThrow(message);
    expect(() => readFlipState(file)).toThrow(/remove it if no flip is in progress/);
  });

  test('says where a stopped flip stands', () => {
    expect(describeFlipState({ version: 1, updatedAt: '', ...base })).toBe('judging step 2 of 3 (to 50% Lambda)');
    expect(describeFlipState({ version: 1, updatedAt: '', ...base, phase: 'rollback', rollbackTo: 90 })).toBe(
      'rolling back step 2 of 3 (to 50% Lambda) to 90% Lambda',
    );
  });
});

describe("the stack's ids, from its outputs", () => {
  const outputs = {
    listener_rule_arn: { value: 'arn:rule' },
    load_balancer_arn_suffix: { value: 'app/switchyard-dev/1' },
    target_groups: {
      value: { lambda: { arn: 'arn:tg/l', arn_suffix: 'targetgroup/l/1' }, fargate: { arn: 'arn:tg/f', arn_suffix: 'targetgroup/f/2' } },
    },
    dashboard_name: { value: 'switchyard-dev' },
  };

  test('are read by the names stack-outputs.ts gives them', () => {
    expect(stackIds(JSON.stringify(outputs))).toEqual({
      listenerRuleArn: 'arn:rule',
      loadBalancerArnSuffix: 'app/switchyard-dev/1',
      targetGroups: {
        lambda: { arn: 'arn:tg/l', arnSuffix: 'targetgroup/l/1' },
        fargate: { arn: 'arn:tg/f', arnSuffix: 'targetgroup/f/2' },
      },
      dashboardName: 'switchyard-dev',
    });
  });

  test('from a stack deployed before the safety net: an error that says how to go on', () => {
    const { listener_rule_arn: _gone, ...older } = outputs;
    expect(() => stackIds(JSON.stringify(older))).toThrow(/deploy it once with this version to add them, or flip with --analysis off/);
  });
});
