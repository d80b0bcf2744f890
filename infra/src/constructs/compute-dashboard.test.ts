import { Testing } from 'cdktf';
import { ENVIRONMENTS, type SafetyNet } from '../config/environments';
import { evaluateExpression } from '../../test/support/metric-math';
import { ComputeDashboard, type DashboardBody, type GraphWidget } from './compute-dashboard';

const dev = ENVIRONMENTS.dev!.safetyNet;
const SUFFIXES = { lambda: 'targetgroup/x-lambda/1', fargate: 'targetgroup/x-fargate/2' };

function synth(limits: SafetyNet = dev) {
  const json = Testing.synthScope((scope) => {
    new ComputeDashboard(scope, 'dashboard', {
      name: 'x',
      region: 'eu-west-1',
      limits,
      loadBalancerArnSuffix: 'app/x-alb/3',
      targetGroupArnSuffixes: SUFFIXES,
      lambdaFunctionName: 'x-fn',
      ecsClusterName: 'x-cluster',
      ecsServiceName: 'x-api',
      alarmArns: ['arn:alarm:1', 'arn:alarm:2'],
    });
  });
  const [dashboard] = Object.values(
    (JSON.parse(json) as { resource: Record<string, Record<string, { dashboard_name: string; dashboard_body: string }>> }).resource
      .aws_cloudwatch_dashboard!,
  );
  const body = JSON.parse(dashboard!.dashboard_body) as DashboardBody;
  const graphs = body.widgets.filter((w): w is GraphWidget => w.type === 'metric');
  const graph = (title: RegExp) => {
    const found = graphs.filter((g) => title.test(g.properties.title));
    expect(found).toHaveLength(1);
    return found[0]!;
  };
  return { name: dashboard!.dashboard_name, body, graphs, graph };
}

interface MetricLine {
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
  id?: string;
  label?: string;
  stat?: string;
  visible?: boolean;
}

/** The metric lines of a graph (not its expressions): namespace, name, dimensions and options. */
const metricLines = (g: GraphWidget): MetricLine[] =>
  g.properties.metrics
    .filter((line) => typeof line[0] === 'string')
    .map((line) => {
      const last = line[line.length - 1];
      const options = typeof last === 'object' ? last : {};
      const [namespace, metricName, ...pairs] = line.filter((part): part is string => typeof part === 'string');
      const dimensions = Object.fromEntries(pairs.flatMap((_, i) => (i % 2 === 0 ? [[pairs[i]!, pairs[i + 1]!]] : [])));
      return { namespace: namespace!, metricName: metricName!, dimensions, ...options };
    });

describe('ComputeDashboard', () => {
  const { name, body, graphs, graph } = synth();

  test('is one named dashboard whose body is valid JSON, each graph in one-minute periods in the stack region', () => {
    expect(name).toBe('x');
    expect(graphs.length).toBeGreaterThanOrEqual(6);
    for (const g of graphs) expect(g.properties).toMatchObject({ region: 'eu-west-1', period: 60 });
  });

  test('widgets fit the 24-column grid without overlapping', () => {
    const cells = new Set<string>();
    for (const w of body.widgets) {
      expect(w.x + w.width).toBeLessThanOrEqual(24);
      for (let x = w.x; x < w.x + w.width; x++)
        for (let y = w.y; y < w.y + w.height; y++) {
          expect(cells.has(`${x},${y}`)).toBe(false);
          cells.add(`${x},${y}`);
        }
    }
  });

  test('the alarm status of every alarm comes first', () => {
    expect(body.widgets[0]).toMatchObject({ type: 'alarm', x: 0, y: 0, properties: { alarms: ['arn:alarm:1', 'arn:alarm:2'] } });
  });

  test.each([
    [/^Requests/, 'RequestCount'],
    [/^Response time/, 'TargetResponseTime'],
  ])('%s shows both computes side by side, each from its own target group', (title, metricName) => {
    const lines = metricLines(graph(title)).filter((l) => l.metricName === metricName);
    expect(new Set(lines.map((l) => l.dimensions.TargetGroup))).toEqual(new Set(Object.values(SUFFIXES)));
  });

  test('latency is drawn at p50 and p99 for each compute, with the p99 limit in seconds', () => {
    const latency = graph(/^Response time/);
    expect(metricLines(latency).map((l) => l.label)).toEqual(['lambda p50', 'lambda p99', 'fargate p50', 'fargate p99']);
    expect(latency.properties.annotations?.horizontal).toEqual([expect.objectContaining({ value: dev.maxP99Ms / 1000 })]);
  });

  test("the error rate of each compute is its errors over its own requests, drawn against the alarm's limit", () => {
    const errors = graph(/^Error rate/);
    const lines = metricLines(errors);
    const expressions = errors.properties.metrics.filter((line) => typeof line[0] === 'object') as Array<
      [{ expression: string; id: string; label: string }]
    >;
    expect(expressions.map(([e]) => e.label)).toEqual(['lambda', 'fargate']);
    for (const [{ expression, label }] of expressions) {
      // Each id the expression names is one of this compute's hidden metrics.
      const own = lines.filter((l) => l.dimensions.TargetGroup === SUFFIXES[label as keyof typeof SUFFIXES]);
      expect(own.every((l) => l.visible === false)).toBe(true);
      const values = Object.fromEntries(
        own.map((l) => [
          l.id as string,
          l.metricName === 'RequestCount' ? 200 : l.metricName === 'HTTPCode_Target_5XX_Count' ? 4 : undefined,
        ]),
      );
      expect(evaluateExpression(expression, values)).toBe(0.02);
    }
    expect(lines.filter((l) => l.metricName === 'LambdaUserError').map((l) => l.dimensions.TargetGroup)).toEqual([SUFFIXES.lambda]);
    expect(lines.filter((l) => l.metricName === 'TargetConnectionErrorCount').map((l) => l.dimensions.TargetGroup)).toEqual([
      SUFFIXES.fargate,
    ]);
    expect(errors.properties.annotations?.horizontal).toEqual([expect.objectContaining({ value: dev.maxErrorRate })]);
  });

  test("each compute's own capacity: Lambda's concurrency and throttles, Fargate's CPU and running tasks", () => {
    expect(metricLines(graph(/^Lambda/))).toEqual([
      expect.objectContaining({ namespace: 'AWS/Lambda', metricName: 'ConcurrentExecutions', dimensions: { FunctionName: 'x-fn' } }),
      expect.objectContaining({ namespace: 'AWS/Lambda', metricName: 'Throttles', dimensions: { FunctionName: 'x-fn' } }),
    ]);
    const service = { ClusterName: 'x-cluster', ServiceName: 'x-api' };
    expect(metricLines(graph(/^Fargate/))).toEqual([
      expect.objectContaining({ namespace: 'AWS/ECS', metricName: 'CPUUtilization', dimensions: service }),
      expect.objectContaining({ namespace: 'ECS/ContainerInsights', metricName: 'RunningTaskCount', dimensions: service }),
    ]);
  });

  test("the load balancer's own 5XX, which no compute can be blamed for by CloudWatch", () => {
    expect(metricLines(graph(/load balancer's own 5XX/))).toEqual([
      expect.objectContaining({ metricName: 'HTTPCode_ELB_5XX_Count', dimensions: { LoadBalancer: 'app/x-alb/3' } }),
    ]);
  });

  test("the limits drawn follow the environment's", () => {
    const { graph: other } = synth({ ...dev, maxErrorRate: 0.2, maxP99Ms: 750 });
    expect(other(/^Error rate/).properties.annotations?.horizontal[0]?.value).toBe(0.2);
    expect(other(/^Response time/).properties.annotations?.horizontal[0]?.value).toBe(0.75);
  });
});
