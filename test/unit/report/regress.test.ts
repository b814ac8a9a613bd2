import { describe, expect, it } from 'vitest';
import { compareRuns, DEFAULT_TOLERANCE_S } from '../../../src/report/regress.js';
import { renderRegressMarkdown } from '../../../src/report/regress-markdown.js';
import { type CaseSpec, DEFAULT_SPECS, makeReport } from './fixtures.js';

const baseline = makeReport(DEFAULT_SPECS, { runId: 'baseline' });
const opts = { toleranceS: DEFAULT_TOLERANCE_S };

/** The default specs with some cases replaced (matched by variant and duration). */
function withCases(replace: readonly CaseSpec[], over: Parameters<typeof makeReport>[1] = {}) {
  const specs = DEFAULT_SPECS.map(
    (s) => replace.find((r) => r.variant === s.variant && r.durationS === s.durationS) ?? s,
  );
  return makeReport(specs, { runId: 'current', ...over });
}

function kinds(r: ReturnType<typeof compareRuns>) {
  return r.changes.map((c) => `${c.severity}:${c.kind}`);
}

describe('compareRuns', () => {
  it('finds nothing between a run and itself', () => {
    const r = compareRuns(baseline, makeReport(DEFAULT_SPECS, { runId: 'current' }), opts);
    expect(r.failed).toBe(false);
    expect(r.changes).toEqual([]);
    expect(r.killWindowShift).toEqual({ min: 0, median: 0, max: 0 });
  });

  it('accepts a kill window shift within the tolerance', () => {
    const cur = withCases([
      { variant: 'detached', durationS: 1210, outcome: 'killed', killedAtS: 1209 + 15 },
      { variant: 'detached', durationS: 1800, outcome: 'killed', killedAtS: 1246 - 10 },
    ]);
    const r = compareRuns(baseline, cur, opts);
    expect(r.failed).toBe(false);
    expect(r.killWindowShift.min).toBe(15);
  });

  it('fails on a kill window shift beyond the tolerance, either way', () => {
    const later = makeReport(
      DEFAULT_SPECS.map((s) => (s.outcome === 'killed' ? { ...s, killedAtS: (s.killedAtS ?? 0) + 40 } : s)),
    );
    const r = compareRuns(baseline, later, opts);
    expect(r.failed).toBe(true);
    expect(kinds(r)).toEqual(['regression:kill-window-shift']);
    expect(r.killWindowShift).toEqual({ min: 40, median: 40, max: 40 });
    const earlier = withCases([{ variant: 'detached', durationS: 1210, outcome: 'killed', killedAtS: 1150 }]);
    expect(kinds(compareRuns(baseline, earlier, opts))).toEqual(['regression:kill-window-shift']);
    expect(compareRuns(baseline, earlier, { toleranceS: 60 }).failed).toBe(false);
  });

  it('fails when nohup no longer survives', () => {
    const cur = withCases([{ variant: 'nohup', durationS: 1800, outcome: 'killed', killedAtS: 1230 }]);
    const r = compareRuns(baseline, cur, opts);
    expect(r.failed).toBe(true);
    const c = r.changes.find((x) => x.kind === 'outcome-worse');
    expect(c).toMatchObject({
      variant: 'nohup',
      durationS: 1800,
      severity: 'regression',
      before: 'survived',
    });
    expect(c?.summary).toBe('nohup no longer survives');
  });

  it('fails when a case starts erroring', () => {
    const cur = withCases([
      { variant: 'attached-input', durationS: 1800, outcome: 'error', errorCode: 'AWS_THROTTLED' },
    ]);
    expect(kinds(compareRuns(baseline, cur, opts))).toEqual(['regression:outcome-worse']);
  });

  it('reports preferences that now apply as a change, failing only with strict', () => {
    const cur = withCases([{ variant: 'session-preferences', durationS: 1800, outcome: 'completed' }]);
    const r = compareRuns(baseline, cur, opts);
    expect(r.failed).toBe(false);
    expect(kinds(r)).toContain('change:outcome-better');
    expect(r.changes.find((c) => c.kind === 'outcome-better')?.summary).toBe(
      'session-preferences now applies: no longer killed',
    );
    expect(compareRuns(baseline, cur, { ...opts, strict: true }).failed).toBe(true);
  });

  it('fails when a baseline cell was not measured, and notes new cells', () => {
    const cur = makeReport(
      [
        ...DEFAULT_SPECS.filter((s) => s.variant !== 'setsid'),
        { variant: 'trap-hup', durationS: 1800, outcome: 'survived' },
      ],
      { runId: 'current' },
    );
    const r = compareRuns(baseline, cur, opts);
    expect(r.failed).toBe(true);
    expect(kinds(r)).toEqual(['regression:cell-missing', 'note:cell-added']);
  });

  it('treats an interrupted cell as not measured', () => {
    const cur = withCases([{ variant: 'setsid', durationS: 1800, outcome: 'interrupted' }], {
      partial: true,
    });
    const r = compareRuns(baseline, cur, opts);
    expect(kinds(r)).toEqual(['regression:cell-missing', 'note:target']);
  });

  it('fails when kills appear where there were none, and reports when they disappear', () => {
    const none = makeReport(
      DEFAULT_SPECS.map((s) => (s.outcome === 'killed' ? { ...s, outcome: 'completed' as const } : s)),
    );
    const appeared = compareRuns(none, baseline, opts);
    expect(appeared.failed).toBe(true);
    expect(kinds(appeared)[0]).toBe('regression:kills-appeared');
    const gone = compareRuns(baseline, none, opts);
    expect(gone.failed).toBe(false);
    expect(kinds(gone)).toContain('change:kills-disappeared');
  });

  it('notes agent version changes without failing', () => {
    const cur = makeReport(DEFAULT_SPECS, {
      target: { agentVersions: { ExecuteCommandAgent: '3.3.2299.0' } },
    });
    const r = compareRuns(baseline, cur, opts);
    expect(r.failed).toBe(false);
    expect(r.changes).toEqual([
      expect.objectContaining({
        kind: 'agent-version',
        severity: 'note',
        before: '3.3.1802.0',
        after: '3.3.2299.0',
      }),
    ]);
  });

  it('notes proportions that moved in a cell without failing', () => {
    const base = makeReport([
      { variant: 'detached', durationS: 1230, outcome: 'killed', killedAtS: 1229 },
      { variant: 'detached', durationS: 1230, outcome: 'completed' },
      { variant: 'detached', durationS: 1230, outcome: 'completed' },
    ]);
    const cur = makeReport([
      { variant: 'detached', durationS: 1230, outcome: 'killed', killedAtS: 1229 },
      { variant: 'detached', durationS: 1230, outcome: 'killed', killedAtS: 1229 },
      { variant: 'detached', durationS: 1230, outcome: 'completed' },
    ]);
    const r = compareRuns(base, cur, opts);
    expect(r.failed).toBe(false);
    expect(kinds(r)).toEqual(['note:outcome-mix']);
  });
});

describe('renderRegressMarkdown', () => {
  it('states the verdict, the window shift and each regression', () => {
    const cur = withCases([
      { variant: 'nohup', durationS: 1800, outcome: 'killed', killedAtS: 1300 },
      { variant: 'detached', durationS: 1800, outcome: 'killed', killedAtS: 1300 },
    ]);
    const md = renderRegressMarkdown(compareRuns(baseline, cur, opts));
    expect(md).toMatch(/^# ecs-diag regress: REGRESSION/);
    expect(md).toContain('| shift |  | 0 | +3 | +54 |');
    expect(md).toContain('## Regressions (2)');
    expect(md).toContain('| nohup no longer survives | nohup | 1800 s | survived | killed (1300 s) |');
  });
  it('says so when there is no regression', () => {
    const md = renderRegressMarkdown(compareRuns(baseline, baseline, opts));
    expect(md).toMatch(/^# ecs-diag regress: no regression/);
    expect(md).toContain('## Regressions (0)');
  });
});
