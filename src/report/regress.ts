/**
 * `ecs-diag regress`: a pure comparison of two runs (a baseline and a current one), for CI gates
 * after an ECS or SSM agent upgrade. It compares
 * - the kill window: a shift of its min, median or max beyond the tolerance; kills appearing or
 *   disappearing;
 * - outcomes per variant and duration: a new `killed`/`error` outcome (e.g. nohup no longer
 *   survives) is a regression; a cell that gets better (e.g. preferences now apply) is a change;
 *   a baseline cell the current run lacks is a regression (it can no longer be vouched for);
 * - agent versions and the target (notes).
 * The Markdown rendering of the result is `renderRegressMarkdown` (regress-markdown.ts).
 */
import type { CaseOutcome, KillWindow, RunReport, VariantCell } from '../scenarios/result.js';
import { describeTarget, formatCell, OUTCOMES } from './format.js';

/** Default kill-window tolerance, seconds (the emulator's sweep granularity is finer; AWS jitters). */
export const DEFAULT_TOLERANCE_S = 15;

/** Options of {@link compareRuns}. */
export interface RegressOptions {
  /** A kill-window statistic may move this many seconds either way. */
  readonly toleranceS: number;
  /** When true, any behaviour change (improvements too) fails the gate. @default false */
  readonly strict?: boolean;
}

/** What changed. */
export type RegressChangeKind =
  | 'kill-window-shift'
  | 'kills-appeared'
  | 'kills-disappeared'
  | 'outcome-worse'
  | 'outcome-better'
  | 'outcome-mix'
  | 'cell-missing'
  | 'cell-added'
  | 'agent-version'
  | 'target';

/** `regression` fails the gate; `change` fails it only with `strict`; `note` never does. */
export type RegressSeverity = 'regression' | 'change' | 'note';

/** One difference between the runs. */
export interface RegressChange {
  readonly kind: RegressChangeKind;
  readonly severity: RegressSeverity;
  readonly variant?: string;
  readonly durationS?: number;
  readonly before: string;
  readonly after: string;
  /** One sentence for a person, e.g. `nohup no longer survives`. */
  readonly summary: string;
}

/** The result of a comparison. */
export interface RegressResult {
  /** True when the gate fails (exit 1). */
  readonly failed: boolean;
  readonly toleranceS: number;
  readonly strict: boolean;
  readonly baseline: RunSide;
  readonly current: RunSide;
  /** Per statistic, current − baseline, seconds; null when either side has no kills. */
  readonly killWindowShift: {
    readonly min: number | null;
    readonly median: number | null;
    readonly max: number | null;
  };
  readonly changes: readonly RegressChange[];
}

/** What the diff says about each side. */
export interface RunSide {
  readonly runId: string;
  readonly target: string;
  readonly partial: boolean;
  readonly killWindow: KillWindow;
  readonly agentVersions: Readonly<Record<string, string>>;
}

const BAD: ReadonlySet<CaseOutcome> = new Set(['killed', 'error']);
const GOOD: ReadonlySet<CaseOutcome> = new Set(['completed', 'survived']);
/** The kill-window statistics compared, in display order. */
export const STATS = ['min', 'median', 'max'] as const;

/** Compares a current run against a baseline. Pure. */
export function compareRuns(baseline: RunReport, current: RunReport, options: RegressOptions): RegressResult {
  const strict = options.strict ?? false;
  const changes: RegressChange[] = [
    ...compareKillWindows(baseline.killWindow, current.killWindow, options.toleranceS),
    ...compareCells(baseline, current),
    ...compareAgents(baseline, current),
    ...compareTargets(baseline, current),
  ];
  const shift = (k: (typeof STATS)[number]) => {
    const a = baseline.killWindow[k];
    const b = current.killWindow[k];
    return a === null || b === null ? null : b - a;
  };
  const failed = changes.some((c) => c.severity === 'regression' || (strict && c.severity === 'change'));
  return {
    failed,
    toleranceS: options.toleranceS,
    strict,
    baseline: side(baseline),
    current: side(current),
    killWindowShift: { min: shift('min'), median: shift('median'), max: shift('max') },
    changes,
  };
}

function side(r: RunReport): RunSide {
  return {
    runId: r.runId,
    target: describeTarget(r),
    partial: r.partial,
    killWindow: r.killWindow,
    agentVersions: r.target.agentVersions ?? {},
  };
}

function windowText(w: KillWindow): string {
  return w.n === 0 ? 'no kills' : `${w.min}–${w.max} s (median ${w.median} s, n=${w.n})`;
}

function compareKillWindows(a: KillWindow, b: KillWindow, toleranceS: number): RegressChange[] {
  const before = windowText(a);
  const after = windowText(b);
  if (a.n > 0 && b.n === 0) {
    return [
      { kind: 'kills-disappeared', severity: 'change', before, after, summary: 'no case is killed any more' },
    ];
  }
  if (a.n === 0 && b.n > 0) {
    return [
      { kind: 'kills-appeared', severity: 'regression', before, after, summary: 'cases are killed now' },
    ];
  }
  if (a.n === 0 || b.n === 0) return [];
  const moved = STATS.flatMap((k) => {
    const d = (b[k] ?? 0) - (a[k] ?? 0);
    return Math.abs(d) > toleranceS ? [`${k} ${d > 0 ? '+' : ''}${d} s`] : [];
  });
  if (moved.length === 0) return [];
  return [
    {
      kind: 'kill-window-shift',
      severity: 'regression',
      before,
      after,
      summary: `kill window moved beyond ±${toleranceS} s: ${moved.join(', ')}`,
    },
  ];
}

/** The outcomes of a cell that say something about the target (interrupted cases do not). */
function measured(cell: VariantCell | undefined): Set<CaseOutcome> {
  const out = new Set<CaseOutcome>();
  if (!cell) return out;
  for (const o of OUTCOMES) if (o !== 'interrupted' && (cell.outcomes[o] ?? 0) > 0) out.add(o);
  return out;
}

function cellMap(r: RunReport): Map<string, { variant: string; cell: VariantCell }> {
  const m = new Map<string, { variant: string; cell: VariantCell }>();
  for (const v of r.variants)
    for (const cell of v.cells) m.set(`${v.variant}\u0000${cell.durationS}`, { variant: v.variant, cell });
  return m;
}

function compareCells(baseline: RunReport, current: RunReport): RegressChange[] {
  const a = cellMap(baseline);
  const b = cellMap(current);
  const out: RegressChange[] = [];
  for (const [key, { variant, cell }] of a) {
    const other = b.get(key)?.cell;
    const before = formatCell(cell);
    const was = measured(cell);
    const now = measured(other);
    const where = { variant, durationS: cell.durationS };
    if (was.size === 0) continue;
    if (now.size === 0) {
      out.push({
        ...where,
        kind: 'cell-missing',
        severity: 'regression',
        before,
        after: other ? formatCell(other) : 'not run',
        summary: `${variant} @ ${cell.durationS} s was not measured in the current run`,
      });
      continue;
    }
    const after = formatCell(other!);
    const newBad = [...now].filter((o) => BAD.has(o) && !was.has(o));
    if (newBad.length > 0) {
      out.push({
        ...where,
        kind: 'outcome-worse',
        severity: 'regression',
        before,
        after,
        summary: worseText(variant, was, now),
      });
    } else if (!sameSet(was, now)) {
      const better =
        [...was].some((o) => BAD.has(o) && !now.has(o)) || [...now].some((o) => GOOD.has(o) && !was.has(o));
      out.push({
        ...where,
        kind: better ? 'outcome-better' : 'outcome-mix',
        severity: 'change',
        before,
        after,
        summary: betterText(variant, was, now),
      });
    } else if (!sameCounts(cell, other!)) {
      out.push({
        ...where,
        kind: 'outcome-mix',
        severity: 'note',
        before,
        after,
        summary: `${variant}: same outcomes, other proportions`,
      });
    }
  }
  for (const [key, { variant, cell }] of b) {
    if (a.has(key)) continue;
    out.push({
      variant,
      durationS: cell.durationS,
      kind: 'cell-added',
      severity: 'note',
      before: 'not run',
      after: formatCell(cell),
      summary: `${variant} @ ${cell.durationS} s is new in the current run`,
    });
  }
  return out;
}

function worseText(variant: string, was: Set<CaseOutcome>, now: Set<CaseOutcome>): string {
  if (was.has('survived') && !now.has('survived')) return `${variant} no longer survives`;
  if (was.has('completed') && !now.has('completed')) return `${variant} no longer completes`;
  if (now.has('error') && !was.has('error')) return `${variant} now fails with an error`;
  return `${variant} is now killed in some cases`;
}

function betterText(variant: string, was: Set<CaseOutcome>, now: Set<CaseOutcome>): string {
  if (was.has('killed') && !now.has('killed')) {
    return now.has('survived') ? `${variant} now survives` : `${variant} now applies: no longer killed`;
  }
  if (was.has('error') && !now.has('error')) return `${variant} no longer errors`;
  return `${variant}: outcomes changed from ${[...was].join('+')} to ${[...now].join('+')}`;
}

function sameSet<T>(a: Set<T>, b: Set<T>): boolean {
  return a.size === b.size && [...a].every((x) => b.has(x));
}

function sameCounts(a: VariantCell, b: VariantCell): boolean {
  return OUTCOMES.every((o) => (a.outcomes[o] ?? 0) === (b.outcomes[o] ?? 0));
}

function compareAgents(baseline: RunReport, current: RunReport): RegressChange[] {
  const a = baseline.target.agentVersions ?? {};
  const b = current.target.agentVersions ?? {};
  const names = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return names.flatMap((name) => {
    const before = a[name] ?? 'absent';
    const after = b[name] ?? 'absent';
    if (before === after) return [];
    return [
      {
        kind: 'agent-version' as const,
        severity: 'note' as const,
        before,
        after,
        summary: `${name}: ${before} → ${after}`,
      },
    ];
  });
}

function compareTargets(baseline: RunReport, current: RunReport): RegressChange[] {
  const out: RegressChange[] = [];
  const a = baseline.target;
  const b = current.target;
  if (a.figureKind !== b.figureKind) {
    out.push({
      kind: 'target',
      severity: 'note',
      before: a.figureKind,
      after: b.figureKind,
      summary: 'the runs come from different kinds of target (emulator model vs field measurement)',
    });
  }
  if (a.emulator && b.emulator && a.emulator.profile !== b.emulator.profile) {
    out.push({
      kind: 'target',
      severity: 'note',
      before: a.emulator.profile,
      after: b.emulator.profile,
      summary: 'the emulator profiles differ',
    });
  }
  if (current.partial) {
    out.push({
      kind: 'target',
      severity: 'note',
      before: '',
      after: 'partial',
      summary: 'the current run is partial',
    });
  }
  return out;
}
