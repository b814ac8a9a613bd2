/**
 * `--format json`: the validated run report itself, pretty-printed (the schema of src/scenarios/result.ts).
 */
import type { RunReport } from '../scenarios/result.js';
import type { Reporter } from './reporter.js';

/** Renders a run as its report.json document. */
export const jsonReporter: Reporter = {
  format: 'json',
  extension: 'json',
  render(report: RunReport): string {
    return `${JSON.stringify(report, null, 2)}\n`;
  },
};
