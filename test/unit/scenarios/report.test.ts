import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../../src/scenarios/matrix.js';
import { buildReport, killWindow, renderMarkdown, renderTable } from '../../../src/scenarios/report.js';
import { type CaseResult, RUN_SCHEMA_VERSION } from '../../../src/scenarios/result.js';

const scenario = parseScenario(
  'name: t\nvariants:\n  - {name: d, kind: detached, durations: [600, 1300]}\n  - {name: n, kind: nohup, durations: [1800]}\n',
  't.yaml',
);
const r = (
  caseId: string,
  durationS: number,
  outcome: CaseResult['outcome'],
  extra: Partial<CaseResult> = {},
): CaseResult => ({
  schemaVersion: RUN_SCHEMA_VERSION,
  caseId,
  variant: caseId.split('-')[0] as string,
  durationS,
  task: 't',
  container: 'app',
  outcome,
  startedAt: '2026-01-01T00:00:00Z',
  ...extra,
});

describe('report', () => {
  it('kill window: n, min, median, max (even and odd n), null when nothing was killed', () => {
    expect(killWindow([])).toEqual({ n: 0, min: null, median: null, max: null });
    expect(killWindow([1250, 1210, 1230])).toEqual({ n: 3, min: 1210, median: 1230, max: 1250 });
    expect(killWindow([1210.4, 1250.2])).toEqual({ n: 2, min: 1210, median: 1230, max: 1250 });
  });

  it('summarises per variant and duration, and counts only killed cases in the window', () => {
    const report = buildReport({
      runId: 'x',
      scenario: { name: 't', file: 't.yaml' },
      variants: scenario.variants,
      target: { kind: 'local', figureKind: 'emulator-model', cluster: 'c', tasks: ['t'] },
      startedAt: 'a',
      endedAt: 'b',
      cases: [
        r('d-600', 600, 'completed'),
        r('d-1300', 1300, 'killed', { killedAtS: 1234.4 }),
        r('n-1800', 1800, 'survived', { sessionEndS: 12 }),
      ],
      plannedCases: 3,
      interrupted: false,
    });
    expect(report.killWindow).toEqual({ n: 1, min: 1234, median: 1234, max: 1234 });
    expect(report.partial).toBe(false);
    expect(report.variants[0]?.cells.map((c) => c.outcomes)).toEqual([{ completed: 1 }, { killed: 1 }]);
    const table = renderTable(report, scenario.variants);
    expect(table).toContain('killed at 1234 s');
    expect(table).toContain('kill window: n=1 min=1234 s median=1234 s max=1234 s');
    expect(renderMarkdown(report, scenario.variants)).toContain(
      '| n | 1800 | survived (session ended 12 s) |',
    );
  });

  it('is partial when interrupted or a case is missing', () => {
    const base = {
      runId: 'x',
      scenario: { name: 't', file: 't.yaml' },
      variants: scenario.variants,
      target: { kind: 'local' as const, figureKind: 'emulator-model' as const, cluster: 'c', tasks: [] },
      startedAt: 'a',
      endedAt: 'b',
    };
    expect(
      buildReport({ ...base, cases: [r('d-600', 600, 'completed')], plannedCases: 3, interrupted: false })
        .partial,
    ).toBe(true);
    expect(buildReport({ ...base, cases: [], plannedCases: 0, interrupted: true }).partial).toBe(true);
  });
});
