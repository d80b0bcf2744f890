import { markdownTable, measured, median, meetsGoal, pairedRatios } from './stats';

test('median of odd and even counts, and of nothing', () => {
  expect(median([3, 1, 2])).toBe(2);
  expect(median([4, 1, 3, 2])).toBe(2.5);
  expect(median([])).toBeNaN();
});

test('paired ratios divide round by round and refuse unpaired series', () => {
  expect(pairedRatios([10, 30], [5, 10])).toEqual([2, 3]);
  expect(() => pairedRatios([1], [1, 2])).toThrow(/differ in length/);
});

test('goals are judged in their direction', () => {
  expect(meetsGoal({ metric: 'x', value: 0.9, unit: '×', goal: { direction: 'at-least', target: 0.85 } })).toBe(true);
  expect(meetsGoal({ metric: 'x', value: 1.7, unit: '×', goal: { direction: 'at-most', target: 1.6 } })).toBe(false);
  expect(meetsGoal({ metric: 'x', value: 1, unit: 's' })).toBeUndefined();
});

test('the table shows figure, goal and verdict', () => {
  const table = markdownTable([
    { metric: 'throughput vs raw', value: 0.912, unit: '×', goal: { direction: 'at-least', target: 0.85 } },
    { metric: 'synth', value: 3.456, unit: 's', goal: { direction: 'at-most', target: 3 } },
  ]);
  expect(table).toMatch(/\| throughput vs raw \| 0\.91× +\| ≥ 0\.85× +\| met +\|/);
  expect(table).toMatch(/\| synth +\| 3\.46 s +\| ≤ 3\.00 s \| not met \|/);
});

test('a measured figure is the median of its rounds and carries their count and extremes', () => {
  expect(measured([17.8, 16.7, 17.33, 16.9, 17.1])).toEqual({ value: 17.1, spread: { rounds: 5, min: 16.7, max: 17.8 } });
  const table = markdownTable([{ metric: 'raw', unit: 'req/s', ...measured([56589.4, 60269, 58000]), note: 'pipelining 10' }]);
  expect(table).toMatch(/\| raw +\| 58000 req\/s \| +\| +\| median of 3 \(min 56,589, max 60,269 req\/s\); pipelining 10 \|/);
});
