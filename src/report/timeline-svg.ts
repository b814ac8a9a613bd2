/**
 * The SVG timeline of the HTML report: one bar per case from its start (0 s) to its end or kill,
 * the kill window as a band with its median, each session's end as a tick, and the part of a
 * survivor's bar past its session's end marked. Pure: a function of the run report only.
 *
 * ```
 *  variant 1210s  |██████████████████████▏x           kill-window band: min..max, median line
 *  nohup 1800s    |████████████████████|▒▒▒▒▒▒▒▒▒▒▒   ▒ = past the session's end (survived)
 *                 0        600       1200       1800 s
 * ```
 */
import type { CaseResult, RunReport } from '../scenarios/result.js';
import { formatKillWindow, formatSeconds } from './format.js';
import { esc } from './html-escape.js';

const LABEL_W = 230;
const PLOT_W = 700;
const RIGHT_PAD = 30;
const ROW_H = 20;
const BAR_H = 12;
const TOP = 24;
const AXIS_H = 34;
const TICK_STEPS = [5, 10, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200];

/** Where a case's bar ends, seconds after its start. */
export function barEndS(c: CaseResult): number {
  if (c.outcome === 'killed') return c.killedAtS ?? c.endS ?? 0;
  return c.endS ?? c.sessionEndS ?? 0;
}

/** The cases in timeline order: by variant (as listed in the summary), then duration, then id. */
export function timelineOrder(report: RunReport): CaseResult[] {
  const rank = new Map(report.variants.map((v, i) => [v.variant, i]));
  return [...report.cases].sort(
    (a, b) =>
      (rank.get(a.variant) ?? Number.MAX_SAFE_INTEGER) - (rank.get(b.variant) ?? Number.MAX_SAFE_INTEGER) ||
      a.variant.localeCompare(b.variant) ||
      a.durationS - b.durationS ||
      a.caseId.localeCompare(b.caseId),
  );
}

/** Renders the timeline as an inline `<svg>` element. */
export function timelineSvg(report: RunReport): string {
  const cases = timelineOrder(report);
  const w = report.killWindow;
  const maxS = Math.max(
    60,
    ...cases.flatMap((c) => [c.durationS, barEndS(c), c.sessionEndS ?? 0]),
    w.max ?? 0,
  );
  const step = TICK_STEPS.find((s) => maxS / s <= 12) ?? 7200;
  const axisMax = Math.ceil((maxS * 1.02) / step) * step;
  const x = (s: number) => LABEL_W + (Math.max(0, s) / axisMax) * PLOT_W;
  const plotH = Math.max(1, cases.length) * ROW_H;
  const height = TOP + plotH + AXIS_H;
  const width = LABEL_W + PLOT_W + RIGHT_PAD;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="timeline" role="img" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">`,
    `<title>Case timeline: ${cases.length} cases, seconds after each case's start</title>`,
  ];

  if (w.n > 0 && w.min !== null && w.max !== null) {
    const bandW = Math.max(2, x(w.max) - x(w.min));
    out.push(
      `<rect class="kill-window" x="${x(w.min).toFixed(1)}" y="${TOP - 6}" width="${bandW.toFixed(1)}" height="${plotH + 6}"><title>kill window: ${esc(formatKillWindow(w))}</title></rect>`,
      `<text class="band-label" x="${x(w.min).toFixed(1)}" y="${TOP - 9}">kill window ${Math.round(w.min)}–${Math.round(w.max)} s</text>`,
    );
    if (w.median !== null) {
      out.push(
        `<line class="kill-median" x1="${x(w.median).toFixed(1)}" x2="${x(w.median).toFixed(1)}" y1="${TOP - 6}" y2="${TOP + plotH}"/>`,
      );
    }
  }

  cases.forEach((c, i) => {
    const y = TOP + i * ROW_H;
    const barY = y + (ROW_H - BAR_H) / 2;
    const end = barEndS(c);
    const barW = Math.max(2, x(end) - x(0));
    const label = `${c.variant} ${c.durationS}s`;
    out.push(
      `<text class="row-label" x="${LABEL_W - 8}" y="${y + ROW_H / 2 + 4}">${esc(label)}</text>`,
      `<rect class="case-bar outcome-${esc(c.outcome)}" data-case-id="${esc(c.caseId)}" x="${x(0).toFixed(1)}" y="${barY}" width="${barW.toFixed(1)}" height="${BAR_H}"><title>${esc(caseTitle(c))}</title></rect>`,
    );
    if (c.sessionEndS !== undefined) {
      out.push(
        `<line class="session-end" x1="${x(c.sessionEndS).toFixed(1)}" x2="${x(c.sessionEndS).toFixed(1)}" y1="${y + 1}" y2="${y + ROW_H - 1}"><title>session ended at ${Math.round(c.sessionEndS)} s</title></line>`,
      );
      if (c.outcome === 'survived' && end > c.sessionEndS) {
        out.push(
          `<rect class="past-session" x="${x(c.sessionEndS).toFixed(1)}" y="${barY}" width="${(x(end) - x(c.sessionEndS)).toFixed(1)}" height="${BAR_H}"><title>ran ${Math.round(end - c.sessionEndS)} s past the session's end</title></rect>`,
        );
      }
    }
    if (c.outcome === 'killed') {
      out.push(
        `<text class="kill-mark" x="${(x(end) + 3).toFixed(1)}" y="${y + ROW_H / 2 + 4}">✕ ${Math.round(end)} s</text>`,
      );
    } else if (c.outcome === 'survived') {
      out.push(
        `<text class="survivor-mark" x="${(x(end) + 3).toFixed(1)}" y="${y + ROW_H / 2 + 4}">survived</text>`,
      );
    }
  });

  const axisY = TOP + plotH + 4;
  out.push(`<line class="axis" x1="${LABEL_W}" x2="${LABEL_W + PLOT_W}" y1="${axisY}" y2="${axisY}"/>`);
  for (let s = 0; s <= axisMax; s += step) {
    out.push(
      `<line class="tick" x1="${x(s).toFixed(1)}" x2="${x(s).toFixed(1)}" y1="${axisY}" y2="${axisY + 5}"/>`,
      `<text class="tick-label" x="${x(s).toFixed(1)}" y="${axisY + 17}">${s}</text>`,
    );
  }
  out.push(
    `<text class="axis-label" x="${LABEL_W + PLOT_W}" y="${axisY + 30}">seconds after the case's start</text>`,
    '</svg>',
  );
  return out.join('\n');
}

function caseTitle(c: CaseResult): string {
  const parts = [`${c.caseId}: ${c.variant}, sleep ${c.durationS}`, c.outcome];
  if (c.killedAtS !== undefined) parts.push(`killed at ${formatSeconds(c.killedAtS)}`);
  else if (c.endS !== undefined) parts.push(`ended at ${formatSeconds(c.endS)}`);
  if (c.sessionEndS !== undefined) parts.push(`session ended at ${formatSeconds(c.sessionEndS)}`);
  if (c.error) parts.push(`error ${c.error.code}`);
  return parts.join(' · ');
}
