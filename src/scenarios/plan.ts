/**
 * The schedule of a matrix run (pure): which case runs on which task, in which wave, and the
 * expected wall time. The runner starts cases in the plan's order through {@link runMatrix}, which
 * follows the same policy (most free slots first), so the plan is what happens when every case
 * takes its planned time.
 *
 * Order: cases with the account's own Session Manager preferences first, then each preference
 * change as a group (the preferences are account-wide, so each group needs its own window in which
 * its cases start); within a group, longest first.
 */
import type { CaseSpec, PreferenceChange } from './matrix.js';

/**
 * Cases one container can run at once: its session limit minus one slot kept for the short
 * readback and cleanup sessions (a case's own session may outlive its payload, e.g. while no
 * client reads the pty). At least 1.
 */
export function caseSlots(sessionLimit: number): number {
  return Math.max(1, sessionLimit - 1);
}

/** One task (container) cases can run on. */
export interface PlanTask {
  readonly task: string;
  readonly container: string;
  /** The container's SessionWorkersLimit (amazon-ssm-agent.json), default 2. */
  readonly sessionLimit: number;
}

/** Options of {@link buildPlan}. */
export interface PlanOptions {
  /** Real seconds per logical second. */
  readonly timeScale: number;
  /** Overall concurrency cap. @default every slot of every task */
  readonly concurrency?: number;
  /** Real seconds each case spends besides its payload (start, readback). @default 1.5 */
  readonly overheadRealS?: number;
}

/** One case in the plan. */
export interface PlannedCase {
  readonly spec: CaseSpec;
  /** Index into {@link Plan.tasks}. */
  readonly taskIndex: number;
  /** 1-based. */
  readonly wave: number;
  /** Expected start and end, real seconds after the run's start. */
  readonly startRealS: number;
  readonly endRealS: number;
}

/** The schedule. */
export interface Plan {
  readonly cases: readonly PlannedCase[];
  readonly tasks: readonly PlanTask[];
  readonly slots: number;
  /** Waves over all phases. */
  readonly waves: number;
  /** Preference phases (1 when no variant changes the preferences). */
  readonly phases: number;
  readonly timeScale: number;
  /** The longest case's payload, logical seconds. */
  readonly longestS: number;
  /** Per phase, the longest case × the waves the session limit forces; summed; real seconds. */
  readonly lowerBoundRealS: number;
  /** Expected wall time, real seconds (list schedule plus per-case overhead). */
  readonly expectedWallRealS: number;
}

/** A stable key for a preference change (`default` for none). */
export function preferenceKey(p: PreferenceChange | undefined): string {
  if (!p) return 'default';
  const parts: string[] = [];
  if (p.idleSessionTimeout !== undefined) parts.push(`idle=${p.idleSessionTimeout}m`);
  if (p.maxSessionDuration !== undefined) parts.push(`max=${p.maxSessionDuration}m`);
  return parts.join(',');
}

/** Orders the cases for the run (see the module doc). Stable. */
export function orderCases(cases: readonly CaseSpec[]): CaseSpec[] {
  const groups: string[] = ['default'];
  for (const c of cases) {
    const k = preferenceKey(c.variant.preferences);
    if (!groups.includes(k)) groups.push(k);
  }
  return cases
    .map((c, i) => ({ c, i, g: groups.indexOf(preferenceKey(c.variant.preferences)) }))
    .sort((a, b) => a.g - b.g || b.c.durationS - a.c.durationS || a.i - b.i)
    .map((x) => x.c);
}

/**
 * Builds the plan: a list schedule of the ordered cases over the tasks' slots, one phase per
 * preference group; a phase starts when the previous one has ended.
 */
export function buildPlan(cases: readonly CaseSpec[], tasks: readonly PlanTask[], o: PlanOptions): Plan {
  const overhead = o.overheadRealS ?? 1.5;
  const slots = tasks.reduce((n, t) => n + caseSlots(t.sessionLimit), 0);
  const cap = Math.max(1, Math.min(o.concurrency ?? slots, slots));
  const ordered = orderCases(cases);
  const phases: CaseSpec[][] = [];
  let lastKey: string | undefined;
  for (const c of ordered) {
    const k = preferenceKey(c.variant.preferences);
    if (k !== lastKey) phases.push([]);
    (phases[phases.length - 1] as CaseSpec[]).push(c);
    lastKey = k;
  }
  const planned: PlannedCase[] = [];
  let phaseStart = 0;
  let waves = 0;
  let lowerBound = 0;
  let waveBase = 0;
  for (const phase of phases) {
    // Each slot: which task, when it frees, how many cases it has run in this phase.
    const all: { taskIndex: number; at: number; runs: number }[] = [];
    tasks.forEach((t, taskIndex) => {
      for (let i = 0; i < caseSlots(t.sessionLimit); i++) all.push({ taskIndex, at: phaseStart, runs: 0 });
    });
    // With a concurrency cap below the slot count, only `cap` slots are ever used.
    const usable = spreadSlots(all, tasks.length).slice(0, cap);
    let phaseEnd = phaseStart;
    for (const spec of phase) {
      if (usable.length === 0) break;
      const slot = usable.reduce((best, s) => (s.at < best.at ? s : best));
      const startRealS = slot.at;
      const endRealS = startRealS + spec.durationS * o.timeScale + overhead;
      slot.at = endRealS;
      slot.runs++;
      phaseEnd = Math.max(phaseEnd, endRealS);
      planned.push({ spec, taskIndex: slot.taskIndex, wave: waveBase + slot.runs, startRealS, endRealS });
    }
    const phaseWaves = Math.ceil(phase.length / cap);
    lowerBound += Math.max(0, ...phase.map((c) => c.durationS)) * o.timeScale * phaseWaves;
    waves += phaseWaves;
    waveBase += phaseWaves;
    phaseStart = phaseEnd;
  }
  return {
    cases: planned,
    tasks,
    slots: cap,
    waves,
    phases: phases.length,
    timeScale: o.timeScale,
    longestS: Math.max(0, ...cases.map((c) => c.durationS)),
    lowerBoundRealS: lowerBound,
    expectedWallRealS: phaseStart,
  };
}

/** Orders slots round-robin over tasks, so a capped run spreads over tasks rather than filling one. */
function spreadSlots<T extends { taskIndex: number }>(slots: T[], taskCount: number): T[] {
  const byTask = Array.from({ length: taskCount }, (_, i) => slots.filter((s) => s.taskIndex === i));
  const out: T[] = [];
  for (let round = 0; out.length < slots.length; round++) {
    for (const list of byTask) {
      const s = list[round];
      if (s) out.push(s);
    }
  }
  return out;
}

/** The plan as text lines (printed before a run, and alone with --dry-run). */
export function renderPlan(plan: Plan): string[] {
  const byTask = plan.tasks.map((t, i) => ({
    t,
    n: plan.cases.filter((c) => c.taskIndex === i).length,
  }));
  const lines = [
    `plan: ${plan.cases.length} cases on ${plan.tasks.length} task(s), ${plan.slots} concurrent case(s), ${plan.waves} wave(s) in ${plan.phases} phase(s)`,
    `  longest case ${plan.longestS} s; lower bound ${fmtS(plan.lowerBoundRealS)}, expected wall time ${fmtS(plan.expectedWallRealS)}` +
      (plan.timeScale === 1 ? '' : ` (time scale ${plan.timeScale})`),
  ];
  for (const { t, n } of byTask) {
    lines.push(
      `  task ${t.task} container ${t.container}: session limit ${t.sessionLimit} (${caseSlots(t.sessionLimit)} for cases), ${n} case(s)`,
    );
  }
  for (const c of plan.cases) {
    const task = plan.tasks[c.taskIndex];
    lines.push(
      `  ${c.spec.caseId.padEnd(28)} ${c.spec.variant.kind.padEnd(19)} sleep ${String(c.spec.durationS).padStart(5)} s  wave ${c.wave}  task ${shortId(task?.task ?? '?')}`,
    );
  }
  return lines;
}

/** Seconds as `1h02m03s`, `2m05s` or `12.3s`. */
export function fmtS(s: number): string {
  if (s < 60) return `${Math.round(s * 10) / 10}s`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = Math.round(s % 60);
  return h > 0
    ? `${h}h${String(m).padStart(2, '0')}m${String(sec).padStart(2, '0')}s`
    : `${m}m${String(sec).padStart(2, '0')}s`;
}

/** The last path segment of a task ARN, shortened for display. */
export function shortId(task: string): string {
  const id = task.split('/').pop() ?? task;
  return id.length > 14 ? id.slice(0, 14) : id;
}
