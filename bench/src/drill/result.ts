export interface DrillResult {
  name: string;
  /** What went wrong; empty when the drill passed. */
  failures: string[];
  /** What was measured, pass or fail. */
  figures: string[];
}
