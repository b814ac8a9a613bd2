/**
 * `--format md`: Markdown for support cases and GitHub issues.
 */
import type { CaseResult, RunReport } from '../scenarios/result.js';
import {
  agentVersionList,
  describeTarget,
  formatKillWindow,
  formatTime,
  OUTCOMES,
  shortTask,
} from './format.js';
import { caseGrid, variantGrid } from './grids.js';
import { mdTable } from './markdown-util.js';
import type { RenderOptions, Reporter } from './reporter.js';

/** Renders a run as Markdown. */
export const markdownReporter: Reporter = {
  format: 'md',
  extension: 'md',
  render(report: RunReport, options: RenderOptions): string {
    const tz = options.timeZone;
    const out: string[] = [`# ECS Exec timeout matrix: ${report.scenario.name}`, ''];
    if (report.partial) {
      out.push('> **Partial run**: interrupted, or not every case has a result.', '');
    }
    out.push(
      `- Run: \`${report.runId}\` (scenario file \`${report.scenario.file}\`)`,
      `- Target: ${describeTarget(report)}`,
      `- Cluster: \`${report.target.cluster}\`, tasks: ${
        report.target.tasks
          .map((t) => shortTask(t))
          .map((t) => `\`${t}\``)
          .join(', ') || '–'
      }`,
      `- Started: ${formatTime(report.startedAt, tz)}`,
      `- Ended: ${formatTime(report.endedAt, tz)}`,
    );
    const agents = agentVersionList(report);
    if (agents.length > 0) out.push(`- Agents: ${agents.map(([n, v]) => `${n} \`${v}\``).join(', ')}`);
    out.push('', '## Kill window', '', formatKillWindow(report.killWindow), '');
    out.push('## Outcomes per variant and duration', '');
    const grid = variantGrid(report);
    out.push(grid.rows.length > 0 ? mdTable(grid.header, grid.rows) : '_No case results._', '');
    out.push('## Totals', '', mdTable(['outcome', 'cases'], totals(report.cases)), '');
    out.push('## Cases', '');
    const cases = caseGrid(report.cases, tz);
    out.push(cases.rows.length > 0 ? mdTable(cases.header, cases.rows) : '_No case results._', '');
    return `${out.join('\n')}`;
  },
};

function totals(cases: readonly CaseResult[]): string[][] {
  return OUTCOMES.map((o) => [o, String(cases.filter((c) => c.outcome === o).length)]).filter(
    ([, n]) => n !== '0',
  );
}
