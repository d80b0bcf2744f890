import { alarmFires, evaluateExpression, type SynthesizedAlarm } from './metric-math';

describe('metric math, as the tests read it', () => {
  test.each([
    ['1 + 2 * 3', {}, 7],
    ['(a + b) / c', { a: 1, b: 3, c: 8 }, 0.5],
    ['a >= 25', { a: 25 }, 1],
    ['IF(a >= 25, b, 0)', { a: 24, b: 9 }, 0],
    ['IF(a >= 25, b, 0)', { a: 30, b: 9 }, 9],
    ['FILL(e, 0) / r', { e: undefined, r: 10 }, 0],
    ['e / r', { e: undefined, r: 10 }, undefined],
    ['IF(r >= 1, FILL(e, 0) / r, 0)', { e: 2, r: undefined }, undefined],
  ])('%s with %j is %s', (expression, values, expected) => {
    expect(evaluateExpression(expression, values)).toBe(expected);
  });

  test('an id that is not a query of the alarm is an error, not a silent gap', () => {
    expect(() => evaluateExpression('x / y', { x: 1 })).toThrow(/names y/);
  });

  test('an alarm fires when enough of its last periods breach; missing data counts as its setting says', () => {
    const alarm = (treat: string): SynthesizedAlarm => ({
      comparison_operator: 'GreaterThanThreshold',
      threshold: 0.5,
      evaluation_periods: 2,
      datapoints_to_alarm: 2,
      treat_missing_data: treat,
      metric_query: [
        { id: 'v', metric: { metric_name: 'M', stat: 'Sum', dimensions: {} } },
        { id: 'e', expression: 'v', return_data: true },
      ],
    });
    expect(alarmFires(alarm('notBreaching'), [{ M: 1 }, { M: 1 }])).toBe(true);
    expect(alarmFires(alarm('notBreaching'), [{ M: 1 }, { M: 0 }])).toBe(false);
    expect(alarmFires(alarm('notBreaching'), [{ M: 1 }, {}])).toBe(false);
    expect(alarmFires(alarm('breaching'), [{ M: 1 }, {}])).toBe(true);
  });
});
