/**
 * The checked-in baseline (reports/baseline/, from reports/regenerate-baseline.sh): it validates,
 * it is an emulator run on the default profile, and `regress` gates on it: the baseline against
 * itself passes, a current run where nohup no longer survives or the window moved fails.
 * Skipped until the baseline has been generated (the matrix runner writes it).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRunReport } from '../../../src/report/read-run.js';
import { compareRuns, DEFAULT_TOLERANCE_S } from '../../../src/report/regress.js';
import type { CaseResult, RunReport } from '../../../src/scenarios/result.js';

const BASELINE = resolve(import.meta.dirname, '../../../reports/baseline/report.json');

/** The same run with some cases changed, its summary recomputed the way regress reads it. */
function variantOf(report: RunReport, change: (c: CaseResult) => CaseResult): RunReport {
  const cases = report.cases.map(change);
  const variants = report.variants.map((v) => ({
    variant: v.variant,
    cells: v.cells.map((cell) => {
      const mine = cases.filter((c) => c.variant === v.variant && c.durationS === cell.durationS);
      const outcomes: Record<string, number> = {};
      for (const c of mine) outcomes[c.outcome] = (outcomes[c.outcome] ?? 0) + 1;
      return {
        durationS: cell.durationS,
        outcomes,
        killedAtS: mine.flatMap((c) => (c.killedAtS === undefined ? [] : [c.killedAtS])),
      };
    }),
  }));
  const kills = cases.flatMap((c) => (c.killedAtS === undefined ? [] : [c.killedAtS])).sort((a, b) => a - b);
  const killWindow =
    kills.length === 0
      ? { n: 0, min: null, median: null, max: null }
      : { n: kills.length, min: kills[0]!, median: kills[kills.length >> 1]!, max: kills[kills.length - 1]! };
  return { ...report, runId: 'current', cases, variants, killWindow };
}

describe.skipIf(!existsSync(BASELINE))('reports/baseline', () => {
  it('is a valid, complete emulator run on the default profile with a kill window', async () => {
    const b = await readRunReport(BASELINE);
    expect(b.partial).toBe(false);
    expect(b.target.figureKind).toBe('emulator-model');
    expect(b.target.emulator?.profile).toBe('default');
    expect(b.killWindow.n).toBeGreaterThan(0);
  });

  it('passes regress against itself', async () => {
    const b = await readRunReport(BASELINE);
    expect(compareRuns(b, b, { toleranceS: DEFAULT_TOLERANCE_S }).failed).toBe(false);
  });

  it('fails regress when survivors are killed or the window moves', async () => {
    const b = await readRunReport(BASELINE);
    const survivors = b.cases.filter((c) => c.outcome === 'survived');
    if (survivors.length > 0) {
      const noSurvivors = variantOf(b, (c) =>
        c.outcome === 'survived'
          ? { ...c, outcome: 'killed', killedAtS: c.sessionEndS ?? 1230, endS: c.sessionEndS ?? 1230 }
          : c,
      );
      const r = compareRuns(b, noSurvivors, { toleranceS: DEFAULT_TOLERANCE_S });
      expect(r.failed).toBe(true);
      expect(r.changes.some((c) => c.kind === 'outcome-worse')).toBe(true);
    }
    const later = variantOf(b, (c) =>
      c.killedAtS === undefined ? c : { ...c, killedAtS: c.killedAtS + 60, endS: c.killedAtS + 60 },
    );
    expect(compareRuns(b, later, { toleranceS: DEFAULT_TOLERANCE_S }).changes.map((c) => c.kind)).toContain(
      'kill-window-shift',
    );
  });
});
