/**
 * Run-report fixtures built in code, valid per src/scenarios/result.ts. The summary (variants,
 * kill window) is computed from the cases here, so a fixture is consistent by construction.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type CaseOutcome,
  type CaseResult,
  type KillWindow,
  RUN_SCHEMA_VERSION,
  type RunReport,
  type RunTargetInfo,
  type VariantSummary,
} from '../../../src/scenarios/result.js';

/** What a test states about one case; the rest is filled in. */
export interface CaseSpec {
  readonly variant: string;
  readonly durationS: number;
  readonly outcome: CaseOutcome;
  readonly killedAtS?: number;
  readonly sessionEndS?: number;
  readonly endS?: number;
  readonly errorCode?: string;
}

/** A full CaseResult from a spec. */
export function makeCase(spec: CaseSpec, index: number): CaseResult {
  const base = {
    schemaVersion: RUN_SCHEMA_VERSION,
    caseId: `${spec.variant}-${spec.durationS}-${index}`,
    variant: spec.variant,
    durationS: spec.durationS,
    task: 'arn:aws:ecs:us-east-1:000000000000:task/emulator/0123456789abcdef',
    container: 'app',
    sessionId: `ecs-execute-command-${String(index).padStart(4, '0')}`,
    outcome: spec.outcome,
    startedAt: new Date(Date.UTC(2026, 10, 29, 17, 0, index)).toISOString(),
  } as const;
  switch (spec.outcome) {
    case 'killed':
      return {
        ...base,
        killedAtS: spec.killedAtS ?? 1230,
        endS: spec.killedAtS ?? 1230,
        sessionEndS: spec.sessionEndS ?? spec.killedAtS ?? 1230,
      };
    case 'survived':
      return {
        ...base,
        endS: spec.endS ?? spec.durationS,
        sessionEndS: spec.sessionEndS ?? 1230,
        exitStatus: 0,
      };
    case 'completed':
      return {
        ...base,
        endS: spec.endS ?? spec.durationS,
        sessionEndS: spec.sessionEndS ?? spec.durationS,
        exitStatus: 0,
      };
    case 'error':
      return {
        ...base,
        error: { code: spec.errorCode ?? 'SCN_CASE_FAILED', message: 'the case could not run' },
      };
    case 'interrupted':
      return { ...base, ...(spec.endS === undefined ? {} : { endS: spec.endS }) };
  }
}

/** Median as the runner reports it: the mean of the two middle values for even n, rounded. */
function killWindow(kills: readonly number[]): KillWindow {
  if (kills.length === 0) return { n: 0, min: null, median: null, max: null };
  const s = [...kills].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 === 1 ? s[mid]! : Math.round((s[mid - 1]! + s[mid]!) / 2);
  return { n: s.length, min: s[0]!, median, max: s[s.length - 1]! };
}

function summarize(cases: readonly CaseResult[]): VariantSummary[] {
  const variants: VariantSummary[] = [];
  for (const name of [...new Set(cases.map((c) => c.variant))]) {
    const mine = cases.filter((c) => c.variant === name);
    const durations = [...new Set(mine.map((c) => c.durationS))].sort((a, b) => a - b);
    variants.push({
      variant: name,
      cells: durations.map((d) => {
        const cell = mine.filter((c) => c.durationS === d);
        const outcomes: Partial<Record<CaseOutcome, number>> = {};
        for (const c of cell) outcomes[c.outcome] = (outcomes[c.outcome] ?? 0) + 1;
        return {
          durationS: d,
          outcomes,
          killedAtS: cell.flatMap((c) => (c.killedAtS === undefined ? [] : [c.killedAtS])),
        };
      }),
    });
  }
  return variants;
}

/** A RunReport from case specs. */
export function makeReport(
  specs: readonly CaseSpec[],
  over: { runId?: string; partial?: boolean; target?: Partial<RunTargetInfo> } = {},
): RunReport {
  const cases = specs.map((s, i) => makeCase(s, i));
  const target: RunTargetInfo = {
    kind: 'local',
    figureKind: 'emulator-model',
    endpoint: 'http://127.0.0.1:4566',
    region: 'us-east-1',
    cluster: 'emulator',
    tasks: ['0123456789abcdef'],
    emulator: { profile: 'default', timeScale: 0.01, idleTimeoutS: 1200, sweepIntervalS: 60 },
    agentVersions: { ExecuteCommandAgent: '3.3.1802.0' },
    ...over.target,
  };
  return {
    schemaVersion: RUN_SCHEMA_VERSION,
    runId: over.runId ?? 'run-20261129T170000Z',
    scenario: { name: 'timeout-matrix', file: 'scenarios/timeout-matrix.yaml' },
    target,
    startedAt: '2026-11-29T17:00:00.000Z',
    endedAt: '2026-11-29T17:31:40.000Z',
    partial: over.partial ?? false,
    cases,
    variants: summarize(cases),
    killWindow: killWindow(cases.flatMap((c) => (c.killedAtS === undefined ? [] : [c.killedAtS]))),
  };
}

/** The default matrix as the emulator's default profile answers it (kill window ~1210–1250 s). */
export const DEFAULT_SPECS: readonly CaseSpec[] = [
  { variant: 'detached', durationS: 600, outcome: 'completed' },
  { variant: 'detached', durationS: 1210, outcome: 'killed', killedAtS: 1209 },
  { variant: 'detached', durationS: 1250, outcome: 'killed', killedAtS: 1231 },
  { variant: 'detached', durationS: 1800, outcome: 'killed', killedAtS: 1246 },
  { variant: 'session-preferences', durationS: 1800, outcome: 'killed', killedAtS: 1238 },
  { variant: 'nohup', durationS: 1800, outcome: 'survived', sessionEndS: 1228 },
  { variant: 'setsid', durationS: 1800, outcome: 'survived', sessionEndS: 1240 },
  { variant: 'attached-input', durationS: 1800, outcome: 'completed' },
];

/** Writes a run directory (report.json, results.jsonl, report.md) for a report. */
export async function writeRunDir(dir: string, report: RunReport): Promise<string> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(join(dir, 'results.jsonl'), report.cases.map((c) => `${JSON.stringify(c)}\n`).join(''));
  await writeFile(join(dir, 'report.md'), `# ${report.runId}\n`);
  return dir;
}
