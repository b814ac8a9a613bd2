/**
 * The matrix report (pure): per variant the outcome per duration, and the kill window over the
 * killed cases. Rendered as report.json (the {@link RunReport} schema), report.md and a table.
 */
import { table } from 'table';
import { minMedianMax } from '../stats.js';
import type { VariantSpec } from './matrix.js';
import {
  type CaseOutcome,
  type CaseResult,
  type KillWindow,
  RUN_SCHEMA_VERSION,
  type RunReport,
  type RunTargetInfo,
  type VariantCell,
  type VariantSummary,
} from './result.js';

/** Statistics over kill times (seconds, rounded to 1 s as measured). */
export function killWindow(killedAtS: readonly number[]): KillWindow {
  const s = minMedianMax(killedAtS);
  if (!s) return { n: 0, min: null, median: null, max: null };
  return { n: s.count, min: Math.round(s.min), median: Math.round(s.median), max: Math.round(s.max) };
}

/** The per-variant summaries, variants and durations in scenario order. */
export function summarizeVariants(
  variants: readonly VariantSpec[],
  cases: readonly CaseResult[],
): VariantSummary[] {
  return variants.map((v) => ({
    variant: v.name,
    cells: v.durationsS.map((durationS): VariantCell => {
      const mine = cases.filter((c) => c.variant === v.name && c.durationS === durationS);
      const outcomes: Partial<Record<CaseOutcome, number>> = {};
      for (const c of mine) outcomes[c.outcome] = (outcomes[c.outcome] ?? 0) + 1;
      return {
        durationS,
        outcomes,
        killedAtS: mine.flatMap((c) =>
          c.outcome === 'killed' && c.killedAtS !== undefined ? [c.killedAtS] : [],
        ),
      };
    }),
  }));
}

/** What {@link buildReport} needs besides the cases. */
export interface ReportInput {
  readonly runId: string;
  readonly scenario: { readonly name: string; readonly file: string };
  readonly variants: readonly VariantSpec[];
  readonly target: RunTargetInfo;
  readonly startedAt: string;
  readonly endedAt: string;
  readonly cases: readonly CaseResult[];
  /** Number of cases the scenario has. */
  readonly plannedCases: number;
  readonly interrupted: boolean;
}

/** Builds report.json. */
export function buildReport(i: ReportInput): RunReport {
  const counted = i.cases.filter((c) => c.outcome !== 'interrupted');
  return {
    schemaVersion: RUN_SCHEMA_VERSION,
    runId: i.runId,
    scenario: i.scenario,
    target: i.target,
    startedAt: i.startedAt,
    endedAt: i.endedAt,
    partial: i.interrupted || counted.length < i.plannedCases,
    cases: i.cases,
    variants: summarizeVariants(i.variants, i.cases),
    killWindow: killWindow(
      i.cases.flatMap((c) => (c.outcome === 'killed' && c.killedAtS !== undefined ? [c.killedAtS] : [])),
    ),
  };
}

/** One cell's text: `completed`, `killed at 1234 s`, `survived`, `error CODE`… */
export function caseText(c: CaseResult): string {
  switch (c.outcome) {
    case 'killed':
      return c.killedAtS === undefined ? 'killed' : `killed at ${Math.round(c.killedAtS)} s`;
    case 'completed':
      return 'completed';
    case 'survived':
      return c.sessionEndS === undefined
        ? 'survived'
        : `survived (session ended ${Math.round(c.sessionEndS)} s)`;
    case 'error':
      return `error ${c.error?.code ?? ''}`.trim();
    case 'interrupted':
      return 'interrupted';
  }
}

/** Rows: variant, duration, outcome (one row per case), in scenario order. */
function rows(report: RunReport, variants: readonly VariantSpec[]): string[][] {
  const out: string[][] = [];
  for (const v of variants) {
    for (const d of v.durationsS) {
      const mine = report.cases.filter((c) => c.variant === v.name && c.durationS === d);
      if (mine.length === 0) out.push([v.name, `${d}`, 'not run']);
      for (const c of mine) out.push([v.name, `${d}`, caseText(c)]);
    }
  }
  return out;
}

/** The kill window as one line. */
export function killWindowLine(k: KillWindow): string {
  return k.n === 0
    ? 'kill window: no case was killed'
    : `kill window: n=${k.n} min=${k.min} s median=${k.median} s max=${k.max} s`;
}

/** The target as one line. */
export function targetLine(t: RunTargetInfo): string {
  const where =
    t.kind === 'local'
      ? `emulator${t.endpoint ? ` at ${t.endpoint}` : ''}${
          t.emulator
            ? `, profile ${t.emulator.profile} (idle ${t.emulator.idleTimeoutS} s, sweep ${t.emulator.sweepIntervalS} s), time scale ${t.emulator.timeScale}`
            : ''
        }`
      : `AWS${t.region ? ` ${t.region}` : ''}`;
  const agents = t.agentVersions
    ? `; agent ${Object.entries(t.agentVersions)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`
    : '';
  return `target: ${where}; cluster ${t.cluster}; ${t.tasks.length} task(s)${agents}; figures: ${t.figureKind}`;
}

/** The report as a terminal table plus summary lines. */
export function renderTable(report: RunReport, variants: readonly VariantSpec[]): string {
  const body = table([['variant', 'sleep (s)', 'outcome'], ...rows(report, variants)], {
    drawHorizontalLine: (i, size) => i === 0 || i === 1 || i === size,
  });
  return [
    body.trimEnd(),
    killWindowLine(report.killWindow),
    targetLine(report.target),
    ...(report.partial ? ['partial: not every case has a result (resume with --resume DIR)'] : []),
  ].join('\n');
}

/** The report as Markdown. */
export function renderMarkdown(report: RunReport, variants: readonly VariantSpec[]): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const k = report.killWindow;
  const lines = [
    `# ECS Exec timeout matrix: ${report.scenario.name}`,
    '',
    `- run: \`${report.runId}\`, ${report.startedAt} → ${report.endedAt}${report.partial ? ' (**partial**)' : ''}`,
    `- ${targetLine(report.target)}`,
    report.target.figureKind === 'emulator-model'
      ? '- these figures come from the emulator: they demonstrate its model, they are not a field measurement'
      : '- these figures were measured on AWS',
    '',
    '## Kill window',
    '',
    '| n | min (s) | median (s) | max (s) |',
    '|---|---|---|---|',
    `| ${k.n} | ${k.min ?? '–'} | ${k.median ?? '–'} | ${k.max ?? '–'} |`,
    '',
    '## Outcomes',
    '',
    '| variant | sleep (s) | outcome |',
    '|---|---|---|',
    ...rows(report, variants).map((r) => `| ${r.map(esc).join(' | ')} |`),
    '',
  ];
  const errors = report.cases.filter((c) => c.error);
  if (errors.length > 0) {
    lines.push('## Errors', '');
    for (const c of errors) lines.push(`- \`${c.caseId}\`: ${c.error?.code}: ${esc(c.error?.message ?? '')}`);
    lines.push('');
  }
  return lines.join('\n');
}
