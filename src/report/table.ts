/**
 * `--format table`: the terminal view, drawn with the `table` package.
 */
import { table } from 'table';
import type { RunReport } from '../scenarios/result.js';
import { agentVersionList, describeTarget, formatKillWindow, formatTime } from './format.js';
import { variantGrid } from './grids.js';
import type { RenderOptions, Reporter } from './reporter.js';

/** Renders a run for a terminal. */
export const tableReporter: Reporter = {
  format: 'table',
  extension: 'txt',
  render(report: RunReport, options: RenderOptions): string {
    const lines = [
      `run ${report.runId} — scenario ${report.scenario.name}${report.partial ? ' (PARTIAL)' : ''}`,
      `target: ${describeTarget(report)}`,
      `started ${formatTime(report.startedAt, options.timeZone)}, ended ${formatTime(report.endedAt, options.timeZone)}`,
    ];
    const agents = agentVersionList(report);
    if (agents.length > 0) lines.push(`agents: ${agents.map(([n, v]) => `${n} ${v}`).join(', ')}`);
    lines.push(`kill window: ${formatKillWindow(report.killWindow)}`, '');
    const grid = variantGrid(report);
    if (grid.rows.length > 0) {
      lines.push(table([[...grid.header], ...grid.rows.map((r) => [...r])]).trimEnd());
    } else {
      lines.push('(no case results)');
    }
    return `${lines.join('\n')}\n`;
  },
};
