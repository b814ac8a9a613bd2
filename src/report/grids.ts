/**
 * The two tables every human format shows, as plain text cells: the per-variant outcome grid
 * (one row per variant, one column per duration) and the per-case list.
 */
import type { CaseResult, RunReport } from '../scenarios/result.js';
import { allDurations, formatCell, formatSeconds, formatTime } from './format.js';

/** Header row and body rows of a table, as plain text cells. */
export interface TextGrid {
  readonly header: readonly string[];
  readonly rows: ReadonlyArray<readonly string[]>;
}

/** The per-variant grid; a variant without a cell for some duration shows `–` there. */
export function variantGrid(report: RunReport): TextGrid {
  const durations = allDurations(report);
  const header = ['variant', ...durations.map((d) => `${d} s`)];
  const rows = report.variants.map((v) => [
    v.variant,
    ...durations.map((d) => {
      const cell = v.cells.find((c) => c.durationS === d);
      return cell ? formatCell(cell) : '–';
    }),
  ]);
  return { header, rows };
}

/** One row per case, in the order given. */
export function caseGrid(cases: readonly CaseResult[], timeZone: string): TextGrid {
  return {
    header: ['case', 'variant', 'duration', 'outcome', 'ended/killed at', 'session end', 'started'],
    rows: cases.map((c) => [
      c.caseId,
      c.variant,
      formatSeconds(c.durationS),
      c.error ? `${c.outcome} (${c.error.code})` : c.outcome,
      formatSeconds(c.outcome === 'killed' ? c.killedAtS : c.endS),
      formatSeconds(c.sessionEndS),
      formatTime(c.startedAt, timeZone),
    ]),
  };
}
