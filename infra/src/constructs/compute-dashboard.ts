import { CloudwatchDashboard } from '@cdktf/provider-aws/lib/cloudwatch-dashboard';
import { Construct } from 'constructs';
import type { Compute, SafetyNet } from '../config/environments';
import {
  ALB_NAMESPACE,
  LOAD_BALANCER_METRICS,
  METRIC_PERIOD_SECONDS,
  TARGET_GROUP_METRICS,
  loadBalancerDimensions,
  targetGroupDimensions,
  type Dimension,
} from '../monitoring/alb-metrics';
import { ERROR_TERMS, errorSum } from '../monitoring/compute-health';

/*
 * The dashboard body, as typed objects: CloudWatch's dashboard body structure, the parts this
 * dashboard uses. https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html
 */

interface MetricOptions {
  readonly id?: string;
  readonly label?: string;
  readonly stat?: string;
  readonly visible?: boolean;
  readonly yAxis?: 'left' | 'right';
}
interface ExpressionOptions {
  readonly expression: string;
  readonly id: string;
  readonly label: string;
}
/** [namespace, metric name, dimension name, value, ..., options], or an expression over the graph's ids. */
export type GraphLine = ReadonlyArray<string | MetricOptions> | readonly [ExpressionOptions];

interface Placement {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}
export interface GraphWidget extends Placement {
  readonly type: 'metric';
  readonly properties: {
    readonly title: string;
    readonly region: string;
    readonly view: 'timeSeries';
    readonly stacked: false;
    readonly period: number;
    readonly metrics: GraphLine[];
    readonly yAxis?: { readonly left?: { readonly min: number }; readonly right?: { readonly min: number } };
    readonly annotations?: { readonly horizontal: Array<{ readonly label: string; readonly value: number }> };
  };
}
export interface AlarmStatusWidget extends Placement {
  readonly type: 'alarm';
  readonly properties: { readonly title: string; readonly alarms: string[] };
}
export type DashboardWidget = GraphWidget | AlarmStatusWidget;
export interface DashboardBody {
  readonly widgets: DashboardWidget[];
}

// The computes' own metrics, beside the ALB's (monitoring/alb-metrics.ts).
const LAMBDA_NAMESPACE = 'AWS/Lambda';
const ECS_NAMESPACE = 'AWS/ECS';
/** Published because the cluster has Container Insights on (constructs/ecs-cluster.ts). */
const CONTAINER_INSIGHTS_NAMESPACE = 'ECS/ContainerInsights';

export interface ComputeDashboardProps {
  readonly name: string;
  readonly region: string;
  /** The environment's limits, drawn as lines on the graphs they apply to. */
  readonly limits: SafetyNet;
  /** "app/<name>/<id>": the ALB's LoadBalancer dimension. */
  readonly loadBalancerArnSuffix: string;
  /** "targetgroup/<name>/<id>" of each compute's target group. */
  readonly targetGroupArnSuffixes: Readonly<Record<Compute, string>>;
  readonly lambdaFunctionName: string;
  readonly ecsClusterName: string;
  readonly ecsServiceName: string;
  /** The alarms whose state heads the dashboard. */
  readonly alarmArns: string[];
}

const COMPUTES: readonly Compute[] = ['lambda', 'fargate'];
const FULL = 24;
const HALF = 12;
const GRAPH_HEIGHT = 6;

const metric = (namespace: string, name: string, dimensions: readonly Dimension[], options: MetricOptions): GraphLine => [
  namespace,
  name,
  ...dimensions.flatMap((d) => [d.Name, d.Value]),
  options,
];

/** What a flip is judged on, for both computes side by side: the alarms, traffic, errors, latency and capacity. */
export function dashboardBody(props: ComputeDashboardProps): DashboardBody {
  const { limits } = props;
  const targetGroup = (compute: Compute) => targetGroupDimensions(props.loadBalancerArnSuffix, props.targetGroupArnSuffixes[compute]);
  const graph = (
    placement: Placement,
    title: string,
    metrics: GraphLine[],
    extra: Pick<GraphWidget['properties'], 'yAxis' | 'annotations'> = {},
  ): GraphWidget => ({
    type: 'metric',
    ...placement,
    properties: {
      title,
      region: props.region,
      view: 'timeSeries',
      stacked: false,
      period: METRIC_PERIOD_SECONDS,
      metrics,
      yAxis: { left: { min: 0 } },
      ...extra,
    },
  });
  const row = (index: number, column: 0 | 1): Placement => ({
    x: column * HALF,
    // The alarm status takes the first three rows of the grid.
    y: 3 + index * GRAPH_HEIGHT,
    width: HALF,
    height: GRAPH_HEIGHT,
  });
  const maxP99Seconds = limits.maxP99Ms / 1000;

  return {
    widgets: [
      { type: 'alarm', x: 0, y: 0, width: FULL, height: 3, properties: { title: 'Safety net alarms', alarms: props.alarmArns } },
      graph(
        row(0, 0),
        'Requests a minute, by compute',
        COMPUTES.map((c) => metric(ALB_NAMESPACE, TARGET_GROUP_METRICS.requests, targetGroup(c), { label: c, stat: 'Sum' })),
      ),
      graph(
        row(0, 1),
        'Error rate, by compute',
        COMPUTES.flatMap((c) => {
          const errors = ERROR_TERMS[c].map((e) => ({ ...e, id: `${c}_${e.id}` }));
          return [
            [{ expression: `(${errorSum(errors.map((e) => e.id))}) / ${c}_requests`, id: `${c}_error_rate`, label: c }] as const,
            metric(ALB_NAMESPACE, TARGET_GROUP_METRICS.requests, targetGroup(c), { id: `${c}_requests`, stat: 'Sum', visible: false }),
            ...errors.map((e) => metric(ALB_NAMESPACE, e.metricName, targetGroup(c), { id: e.id, stat: 'Sum', visible: false })),
          ];
        }),
        { annotations: { horizontal: [{ label: 'alarm limit', value: limits.maxErrorRate }] } },
      ),
      graph(
        row(1, 0),
        'Response time p50 and p99 (seconds), by compute',
        COMPUTES.flatMap((c) =>
          ['p50', 'p99'].map((stat) =>
            metric(ALB_NAMESPACE, TARGET_GROUP_METRICS.responseTime, targetGroup(c), { label: `${c} ${stat}`, stat }),
          ),
        ),
        { annotations: { horizontal: [{ label: 'p99 alarm limit', value: maxP99Seconds }] } },
      ),
      graph(row(1, 1), "The load balancer's own 5XX (502, 503, 504): no compute is named", [
        metric(ALB_NAMESPACE, LOAD_BALANCER_METRICS.elb5xx, loadBalancerDimensions(props.loadBalancerArnSuffix), {
          label: '5XX',
          stat: 'Sum',
        }),
      ]),
      graph(
        row(2, 0),
        'Lambda: concurrent executions (max) and throttles',
        [
          metric(LAMBDA_NAMESPACE, 'ConcurrentExecutions', [{ Name: 'FunctionName', Value: props.lambdaFunctionName }], {
            label: 'concurrent executions',
            stat: 'Maximum',
          }),
          metric(LAMBDA_NAMESPACE, 'Throttles', [{ Name: 'FunctionName', Value: props.lambdaFunctionName }], {
            label: 'throttles',
            stat: 'Sum',
            yAxis: 'right',
          }),
        ],
        { yAxis: { left: { min: 0 }, right: { min: 0 } } },
      ),
      graph(
        row(2, 1),
        'Fargate: CPU (%) and running tasks (Container Insights)',
        [
          metric(
            ECS_NAMESPACE,
            'CPUUtilization',
            [
              { Name: 'ClusterName', Value: props.ecsClusterName },
              { Name: 'ServiceName', Value: props.ecsServiceName },
            ],
            { label: 'CPU', stat: 'Average' },
          ),
          metric(
            CONTAINER_INSIGHTS_NAMESPACE,
            'RunningTaskCount',
            [
              { Name: 'ClusterName', Value: props.ecsClusterName },
              { Name: 'ServiceName', Value: props.ecsServiceName },
            ],
            { label: 'running tasks', stat: 'Maximum', yAxis: 'right' },
          ),
        ],
        { yAxis: { left: { min: 0 }, right: { min: 0 } } },
      ),
    ],
  };
}

/** One CloudWatch dashboard with both computes side by side, for watching a flip. */
export class ComputeDashboard extends Construct {
  readonly dashboardName: string;

  constructor(scope: Construct, id: string, props: ComputeDashboardProps) {
    super(scope, id);
    const dashboard = new CloudwatchDashboard(this, 'dashboard', {
      dashboardName: props.name,
      dashboardBody: JSON.stringify(dashboardBody(props)),
    });
    this.dashboardName = dashboard.dashboardName;
  }
}
