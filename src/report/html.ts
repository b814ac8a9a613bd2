/**
 * `--format html`: one self-contained file (inline CSS and SVG, no script, no external asset)
 * with the case timeline, the kill window and the per-variant tables.
 */
import type { RunReport } from '../scenarios/result.js';
import { agentVersionList, describeTarget, formatKillWindow, formatTime, shortTask } from './format.js';
import { caseGrid, variantGrid } from './grids.js';
import { esc } from './html-escape.js';
import type { RenderOptions, Reporter } from './reporter.js';
import { timelineOrder, timelineSvg } from './timeline-svg.js';

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2em auto;max-width:1000px;color:#1d2329;padding:0 1em}
h1{font-size:1.5em}h2{font-size:1.15em;margin-top:2em;border-bottom:1px solid #d0d7de}
table{border-collapse:collapse;margin:.5em 0}th,td{border:1px solid #d0d7de;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa}.partial{background:#fff4ce;border:1px solid #d4a72c;padding:.5em 1em}
.note{color:#57606a}dl{display:grid;grid-template-columns:max-content auto;gap:2px 12px}dt{font-weight:600}dd{margin:0}
svg.timeline{max-width:100%;height:auto;font-size:11px}
.row-label{text-anchor:end;fill:#1d2329}.tick-label{text-anchor:middle;fill:#57606a}.axis-label{text-anchor:end;fill:#57606a}
.axis,.tick{stroke:#57606a}.kill-window{fill:#cf222e;fill-opacity:.12}.kill-median{stroke:#cf222e;stroke-dasharray:3 3}
.band-label{fill:#cf222e}.session-end{stroke:#1d2329;stroke-width:2}
.case-bar{fill:#8c959f}.outcome-completed{fill:#2da44e}.outcome-survived{fill:#0969da}.outcome-killed{fill:#cf222e}
.outcome-error{fill:#9a6700}.outcome-interrupted{fill:#8c959f}.past-session{fill:#54aeff;fill-opacity:.85}
.kill-mark{fill:#cf222e}.survivor-mark{fill:#0969da}
.legend span{display:inline-block;margin-right:1em}.sw{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:-1px}
`;

/** Renders a run as a self-contained HTML page. */
export const htmlReporter: Reporter = {
  format: 'html',
  extension: 'html',
  render(report: RunReport, options: RenderOptions): string {
    const tz = options.timeZone;
    const title = `ECS Exec timeout matrix: ${report.scenario.name}`;
    const agents = agentVersionList(report);
    const grid = variantGrid(report);
    const body: string[] = [`<h1>${esc(title)}</h1>`];
    if (report.partial) {
      body.push(
        '<p class="partial"><strong>Partial run</strong>: interrupted, or not every case has a result.</p>',
      );
    }
    body.push(
      '<dl>',
      dd(
        'Run',
        `<code>${esc(report.runId)}</code> (scenario file <code>${esc(report.scenario.file)}</code>)`,
      ),
      dd('Target', esc(describeTarget(report))),
      dd(
        'Cluster',
        `<code>${esc(report.target.cluster)}</code>; tasks: ${
          report.target.tasks
            .map((t) => shortTask(t))
            .map((t) => `<code>${esc(t)}</code>`)
            .join(', ') || '–'
        }`,
      ),
      dd('Started', esc(formatTime(report.startedAt, tz))),
      dd('Ended', esc(formatTime(report.endedAt, tz))),
      dd('Time zone', esc(tz)),
    );
    if (agents.length > 0) {
      body.push(dd('Agents', agents.map(([n, v]) => `${esc(n)} <code>${esc(v)}</code>`).join(', ')));
    }
    body.push('</dl>');
    body.push('<h2>Kill window</h2>', `<p id="kill-window">${esc(formatKillWindow(report.killWindow))}</p>`);
    body.push('<h2>Timeline</h2>', legend(), timelineSvg(report));
    body.push(
      '<h2>Outcomes per variant and duration</h2>',
      grid.rows.length > 0 ? htmlTable(grid.header, grid.rows, 'variants') : '<p>No case results.</p>',
    );
    const cases = caseGrid(timelineOrder(report), tz);
    body.push('<h2>Cases</h2>', htmlTable(cases.header, cases.rows, 'cases'));
    return [
      '<!doctype html>',
      '<html lang="en">',
      '<head>',
      '<meta charset="utf-8">',
      '<meta name="viewport" content="width=device-width, initial-scale=1">',
      `<title>${esc(title)}</title>`,
      `<style>${CSS}</style>`,
      '</head>',
      '<body>',
      ...body,
      '</body>',
      '</html>',
      '',
    ].join('\n');
  },
};

function dd(term: string, html: string): string {
  return `<dt>${esc(term)}</dt><dd>${html}</dd>`;
}

function htmlTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>, id: string): string {
  const head = `<tr>${header.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>`;
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('\n');
  return `<table id="${esc(id)}">\n<thead>${head}</thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

function legend(): string {
  const item = (fill: string, text: string) =>
    `<span><svg class="sw" viewBox="0 0 12 12"><rect class="legend-swatch" style="fill:${fill}" width="12" height="12"/></svg>${esc(text)}</span>`;
  return `<p class="legend">${[
    item('#2da44e', 'completed'),
    item('#cf222e', 'killed'),
    item('#0969da', 'survived'),
    item('#54aeff', "past the session's end"),
    item('#9a6700', 'error'),
    item('rgba(207,34,46,.12)', 'kill window'),
  ].join('')}</p>`;
}
