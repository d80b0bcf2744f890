import { failedCount, type RunRecord } from './flip-timeline';

/** The series' colours: each compute its own, failures red. */
const SERIES = { domain: ['lambda', 'fargate', 'failed'], range: ['#f58518', '#4c78a8', '#e45756'] };

/**
 * A Vega-Lite spec: one timeline per run, stacked above each other. Requests per second, stacked
 * by who answered them and failures apart; each apply a shaded, numbered span, named in the subtitle.
 */
export function flipChartSpec(runs: readonly RunRecord[]): Record<string, unknown> {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Requests through the load balancer while pnpm flip applies', anchor: 'start', fontSize: 15 },
    vconcat: runs.map((run) => {
      const { summary, seconds } = run;
      const applies = run.applies.map((a, i) => ({ start: a.startMs / 1000, end: a.endMs / 1000, step: String(i + 1) }));
      const x = { type: 'quantitative' as const, scale: { domainMin: 0, nice: false } };
      return {
        title: {
          text: run.name,
          subtitle: [
            `${summary.requests} requests, ${failedCount(summary)} failed` + (run.unsafe ? ' (a deliberately unsafe variant)' : ''),
            ...run.applies.map((a, i) => `${i + 1}. ${a.label}`),
          ],
          anchor: 'start',
        },
        width: 900,
        height: 160,
        layer: [
          {
            data: { values: seconds },
            mark: { type: 'bar', width: { band: 1 }, binSpacing: 0 },
            encoding: {
              x: { ...x, field: 'second', title: 'seconds since the load started' },
              y: { field: 'count', type: 'quantitative', aggregate: 'sum', stack: 'zero', title: 'requests per second' },
              color: { field: 'series', type: 'nominal', scale: SERIES, title: 'answered by' },
              order: { field: 'series', sort: 'descending' },
            },
          },
          // Each apply on top of the bars: shaded from its start to its end, numbered at its start.
          {
            data: { values: applies },
            mark: { type: 'rect', opacity: 0.18, color: '#54a24b', y: 0, y2: 160 },
            encoding: { x: { ...x, field: 'start' }, x2: { field: 'end' } },
          },
          {
            data: { values: applies },
            mark: { type: 'rule', color: '#3b7d37', strokeDash: [4, 3], y: 0, y2: 160 },
            encoding: { x: { ...x, field: 'start' } },
          },
          {
            data: { values: applies },
            mark: { type: 'text', align: 'left', baseline: 'top', dx: 3, dy: 3, fontSize: 11, fontWeight: 'bold', color: '#3b7d37', y: 0 },
            encoding: { x: { ...x, field: 'start' }, text: { field: 'step' } },
          },
        ],
      };
    }),
    config: { legend: { orient: 'top' }, view: { stroke: null } },
  };
}
