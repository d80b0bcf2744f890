import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderSvg } from '@switchyard/cost/chart';
import { REPOSITORY_ROOT, RESULTS } from '../paths';
import { flipChartSpec } from './flip-chart';
import { withFlipClaim, withFlipTables } from './flip-tables';
import type { FlipDrillResults } from './flip-timeline';

/** Where the flip drill's figures, picture and tables live. */
export const FLIP_REPORT = {
  results: join(RESULTS, 'flip-drill.json'),
  svg: join(REPOSITORY_ROOT, 'docs', 'flip-drill.svg'),
  page: join(REPOSITORY_ROOT, 'docs', 'deploy-and-flip.md'),
  readme: join(REPOSITORY_ROOT, 'README.md'),
};

export interface FlipReport {
  readonly svg: string;
  /** The page, with its flip-drill block filled in. */
  readonly page: string;
  /** The README, with its claim. */
  readonly readme: string;
}

/** What the figures give, for the files at these paths. */
export async function renderFlipReport(
  results: FlipDrillResults,
  paths: { page: string; readme: string } = FLIP_REPORT,
): Promise<FlipReport> {
  return {
    svg: await renderSvg(flipChartSpec(results.runs)),
    page: withFlipTables(readFileSync(paths.page, 'utf8'), paths.page, results.runs, results.measuredAt, results.rate),
    readme: withFlipClaim(readFileSync(paths.readme, 'utf8'), results.runs),
  };
}
