import { breakEven, monthlyCost, taskCapacity, type Workload } from './model';
import { ARCHITECTURES, PRICES } from './prices';

/** Traffic drawn on the chart: from a request every few minutes to thousands a second. */
const CHART_RANGE: readonly [number, number] = [0.01, 10_000];
const POINTS = 81;

interface Point {
  requestsPerSecond: number;
  monthlyCost: number;
  series: string;
}

/**
 * A Vega-Lite spec: monthly cost against average traffic, both on log scales, one line per compute
 * and architecture, and a rule at the break-even of each architecture. Fixed costs are included,
 * so the lines start where an idle stack starts.
 */
export function chartSpec(workload: Workload, environment: string): Record<string, unknown> {
  const values: Point[] = [];
  const evens: { requestsPerSecond: number; label: string; y: number }[] = [];
  // When the request-count target adds tasks before CPU does, also draw Fargate scaled on CPU alone:
  // what raising fargate.targetRequestsPerTask would buy.
  const fargateVariants = [{ name: 'Fargate', perMinute: workload.fargate.requestsPerTaskPerMinute }];
  if (taskCapacity(workload).boundBy === 'requests')
    fargateVariants.push({ name: 'Fargate on CPU target only', perMinute: Number.POSITIVE_INFINITY });
  const seriesNames: string[] = [];
  for (const architecture of ARCHITECTURES) {
    const withArch: Workload = { ...workload, architecture, fargate: { ...workload.fargate, spot: false } };
    const grid = Array.from({ length: POINTS }, (_, i) => CHART_RANGE[0] * (CHART_RANGE[1] / CHART_RANGE[0]) ** (i / (POINTS - 1)));
    seriesNames.push(`Lambda ${architecture}`);
    for (const rps of grid)
      values.push({
        requestsPerSecond: rps,
        monthlyCost: monthlyCost({ ...withArch, requestsPerSecond: rps }, 1).total,
        series: `Lambda ${architecture}`,
      });
    for (const variant of fargateVariants) {
      const series = `${variant.name} ${architecture}`;
      seriesNames.push(series);
      const priced: Workload = { ...withArch, fargate: { ...withArch.fargate, requestsPerTaskPerMinute: variant.perMinute } };
      for (const rps of grid)
        values.push({ requestsPerSecond: rps, monthlyCost: monthlyCost({ ...priced, requestsPerSecond: rps }, 0).total, series });
      const even = breakEven(priced, CHART_RANGE);
      if (even)
        evens.push({
          requestsPerSecond: even.requestsPerSecond,
          label: `break-even, ${series}: ${even.requestsPerSecond.toPrecision(3)} req/s`,
          y: 370 - 14 * evens.length,
        });
    }
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `switchyard ${environment}: monthly cost by traffic`,
      subtitle: `${workload.region} list prices of ${PRICES.asOf}; Lambda ${workload.lambda.memoryMb} MB, ${workload.lambda.billedMsPerRequest} ms a request; Fargate ${workload.fargate.vcpu} vCPU, ${workload.fargate.minTasks} to any number of tasks`,
    },
    width: 640,
    height: 380,
    background: 'white',
    // One legend for colour and dash, top left, where the lines start low.
    config: { legend: { labelLimit: 280, orient: 'top-left', fillColor: 'white' } },
    layer: [
      // One layer per architecture, so arm64 is dashed without a second legend.
      ...ARCHITECTURES.map((architecture) => ({
        data: { values: values.filter((point) => point.series.endsWith(architecture)) },
        mark: { type: 'line', strokeWidth: 2, ...(architecture === 'arm64' ? { strokeDash: [6, 3] } : {}) },
        encoding: {
          x: { field: 'requestsPerSecond', type: 'quantitative', scale: { type: 'log' }, title: 'average requests per second' },
          y: { field: 'monthlyCost', type: 'quantitative', scale: { type: 'log' }, title: 'USD a month' },
          color: { field: 'series', type: 'nominal', title: null, scale: { domain: seriesNames, range: seriesNames.map(colourOf) } },
        },
      })),
      {
        data: { values: evens },
        mark: { type: 'rule', color: '#555', strokeDash: [2, 2] },
        encoding: { x: { field: 'requestsPerSecond', type: 'quantitative' } },
      },
      {
        data: { values: evens },
        mark: { type: 'text', align: 'left', dx: 4, color: '#333' },
        encoding: {
          x: { field: 'requestsPerSecond', type: 'quantitative' },
          y: { field: 'y', type: 'quantitative', scale: null },
          text: { field: 'label' },
        },
      },
    ],
  };
}

/** Lambda in blues, Fargate in reds, Fargate on its CPU target alone in greens; arm64 dashed and lighter. */
function colourOf(series: string): string {
  const arm = series.endsWith('arm64');
  if (series.startsWith('Lambda')) return arm ? '#6baed6' : '#1f77b4';
  if (series.includes('CPU target')) return arm ? '#74c476' : '#2ca02c';
  return arm ? '#fc9272' : '#d62728';
}

/** Vega-Lite compiles the spec and Vega renders it to SVG in Node, with no browser or canvas. */
export async function renderSvg(spec: Record<string, unknown>): Promise<string> {
  const vegaLite = await import('vega-lite');
  const vega = await import('vega');
  const compiled = vegaLite.compile(spec as never).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
