/*
 * The part of CloudWatch's metric math and alarm evaluation the stack's alarms and dashboard use, so
 * tests can ask what an alarm does with a minute of traffic instead of restating its expression.
 * Numbers, ids, + - * /, comparisons (1 or 0), IF(condition, then, else) and FILL(series, value); a
 * period where a metric has no data is `undefined`, and so is anything computed from it, except
 * through FILL. https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html
 */

export type Period = Readonly<Record<string, number | undefined>>;
type Value = number | undefined;

const TOKEN = /\s*(>=|<=|==|!=|[-+*/(),<>]|\d+(?:\.\d+)?|[a-zA-Z_][a-zA-Z0-9_]*)/y;

function tokenize(expression: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < expression.trimEnd().length) {
    const match = TOKEN.exec(expression);
    if (!match) throw new Error(`cannot read "${expression.slice(TOKEN.lastIndex)}" in ${expression}`);
    tokens.push(match[1]!);
  }
  return tokens;
}

const arithmetic: Record<string, (a: number, b: number) => number | undefined> = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => (b === 0 ? undefined : a / b),
  '>=': (a, b) => Number(a >= b),
  '<=': (a, b) => Number(a <= b),
  '>': (a, b) => Number(a > b),
  '<': (a, b) => Number(a < b),
  '==': (a, b) => Number(a === b),
  '!=': (a, b) => Number(a !== b),
};
const apply = (op: string, a: Value, b: Value): Value => (a === undefined || b === undefined ? undefined : arithmetic[op]!(a, b));

/** The value of `expression` in one period, given each id's value there. */
export function evaluateExpression(expression: string, values: Period): Value {
  const tokens = tokenize(expression);
  let at = 0;
  const peek = () => tokens[at];
  const take = (expected?: string) => {
    const token = tokens[at++];
    if (token === undefined || (expected !== undefined && token !== expected))
      throw new Error(`expected ${expected ?? 'more'} at token ${at} of ${expression}`);
    return token;
  };

  const comparison = (): Value => {
    const left = additive();
    return ['>=', '<=', '==', '!=', '>', '<'].includes(peek() ?? '') ? apply(take(), left, additive()) : left;
  };
  const additive = (): Value => {
    let value = term();
    while (peek() === '+' || peek() === '-') value = apply(take(), value, term());
    return value;
  };
  const term = (): Value => {
    let value = factor();
    while (peek() === '*' || peek() === '/') value = apply(take(), value, factor());
    return value;
  };
  const factor = (): Value => {
    const token = take();
    if (token === '(') {
      const value = comparison();
      take(')');
      return value;
    }
    if (/^\d/.test(token)) return Number(token);
    if (peek() !== '(') {
      if (!(token in values)) throw new Error(`${expression} names ${token}, which is not one of its queries`);
      return values[token];
    }
    take('(');
    const args: Value[] = [comparison()];
    while (peek() === ',') {
      take(',');
      args.push(comparison());
    }
    take(')');
    if (token === 'FILL' && args.length === 2) return args[0] ?? args[1];
    if (token === 'IF' && args.length === 3) return args[0] === undefined ? undefined : args[0] !== 0 ? args[1] : args[2];
    throw new Error(`${token}/${args.length} is not a function these tests know`);
  };

  const value = comparison();
  if (at !== tokens.length) throw new Error(`unexpected "${tokens[at]}" in ${expression}`);
  return value;
}

/** A metric math query as the synthesized aws_cloudwatch_metric_alarm holds it. */
export interface AlarmQuery {
  id: string;
  expression?: string;
  return_data?: boolean;
  metric?: { metric_name: string; stat: string; dimensions: Record<string, string> };
}
export interface SynthesizedAlarm {
  comparison_operator: string;
  threshold: number;
  evaluation_periods: number;
  datapoints_to_alarm: number;
  treat_missing_data: string;
  metric_query: AlarmQuery[];
}

/**
 * What an alarm's returned query is in one period of traffic, given by metric name (e.g.
 * `{ RequestCount: 100, HTTPCode_Target_5XX_Count: 3 }`; TargetResponseTime as the statistic the
 * alarm asks for). A metric left out has no data in that period.
 */
export function alarmValue(alarm: SynthesizedAlarm, period: Period): Value {
  const values: Record<string, Value> = {};
  for (const query of alarm.metric_query) if (query.metric) values[query.id] = period[query.metric.metric_name];
  const returned = alarm.metric_query.filter((q) => q.return_data);
  if (returned.length !== 1 || !returned[0]!.expression) throw new Error('an alarm returns exactly one expression');
  // Expressions may name other expressions: evaluate those first, in order.
  for (const query of alarm.metric_query)
    if (query.expression && !query.return_data) values[query.id] = evaluateExpression(query.expression, values);
  return evaluateExpression(returned[0]!.expression, values);
}

const BREACHES: Record<string, (value: number, threshold: number) => boolean> = {
  GreaterThanThreshold: (v, t) => v > t,
  GreaterThanOrEqualToThreshold: (v, t) => v >= t,
  LessThanThreshold: (v, t) => v < t,
  LessThanOrEqualToThreshold: (v, t) => v <= t,
};

/**
 * Whether the alarm is in ALARM after these periods (oldest first): at least `datapoints_to_alarm`
 * of the last `evaluation_periods` breach, a period with no data counting as its
 * `treat_missing_data` says (breaching, or not). CloudWatch's own evaluation also looks back over
 * missing periods for `missing` and keeps the state for `ignore`; the stack uses neither.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html
 */
export function alarmFires(alarm: SynthesizedAlarm, periods: readonly Period[]): boolean {
  if (!['breaching', 'notBreaching'].includes(alarm.treat_missing_data))
    throw new Error(`treat_missing_data ${alarm.treat_missing_data} is not modelled here`);
  const breaches = periods.slice(-alarm.evaluation_periods).filter((period) => {
    const value = alarmValue(alarm, period);
    if (value === undefined) return alarm.treat_missing_data === 'breaching';
    return BREACHES[alarm.comparison_operator]!(value, alarm.threshold);
  });
  return breaches.length >= alarm.datapoints_to_alarm;
}
