/**
 * `run timeout-matrix`: runs a scenario's cases over the given tasks and writes the report.
 *
 *   plan ─► phase "default" ─► phase <preference change 1> ─► … ─► cleanup ─► report
 *
 * A phase runs its cases through {@link runMatrix} (per-container session limits). A preference
 * phase changes SSM-SessionManagerRunShell first and restores it when the phase ends, however it
 * ends (Ctrl-C and errors included). Every result is appended to results.jsonl (fsynced) as soon
 * as it is known. On Ctrl-C no new case starts, running cases end as `interrupted`, the run's
 * leftovers are killed in every container, and the partial report is written.
 */
import type { Deps } from '../deps.js';
import { isDiagError } from '../errors.js';
import type { CaseExecutor, CaseStatus, ContainerRef, ExecPort } from './case-executor.js';
import { cleanupScript, parseKilled } from './instrumentation.js';
import { type CaseSpec, expandCases, type Scenario } from './matrix.js';
import { buildPlan, caseSlots, orderCases, type Plan, type PlanTask, preferenceKey } from './plan.js';
import type { PreferenceController } from './preferences.js';
import { buildReport, renderMarkdown } from './report.js';
import { type CaseResult, RUN_SCHEMA_VERSION, type RunReport, type RunTargetInfo } from './result.js';
import { runMatrix } from './run-matrix.js';
import type { RunStore } from './run-store.js';

/** What the runner tells whoever shows progress. */
export interface RunObserver {
  onPlan?(plan: Plan, skipped: readonly string[]): void;
  onPhase?(key: string, cases: number): void;
  onCaseStart?(caseId: string, spec: CaseSpec, task: string): void;
  onCaseStatus?(caseId: string, status: CaseStatus, detail?: string): void;
  onCaseResult?(result: CaseResult): void;
  onCleanup?(task: string, killed: number): void;
  onWarning?(message: string): void;
}

/** Options of {@link runTimeoutMatrix}. */
export interface TimeoutMatrixOptions {
  readonly runId: string;
  readonly scenario: Scenario;
  readonly cluster: string;
  /** The tasks with their session limits. */
  readonly tasks: readonly PlanTask[];
  readonly timeScale: number;
  readonly concurrency?: number;
  readonly executor: CaseExecutor;
  /** For the cleanup sessions. */
  readonly exec: ExecPort;
  /** Absent: preference variants fail (e.g. no SSM access) rather than touch the document. */
  readonly preferences?: PreferenceController;
  readonly store: RunStore;
  readonly target: RunTargetInfo;
  readonly deps: Deps;
  readonly signal: AbortSignal;
  readonly observer?: RunObserver;
  /** Results of an earlier attempt (--resume): cases with a result other than `interrupted` are skipped. */
  readonly previous?: readonly CaseResult[];
  /** ISO start of the first attempt (--resume keeps it). */
  readonly startedAt?: string;
}

/** The run's report, and whether it was interrupted. */
export interface TimeoutMatrixResult {
  readonly report: RunReport;
  readonly interrupted: boolean;
  readonly plan: Plan;
}

/** Cases still to run: every case without a result, or whose result is `interrupted`. */
export function remainingCases(all: readonly CaseSpec[], previous: readonly CaseResult[]): CaseSpec[] {
  const done = new Set(previous.filter((r) => r.outcome !== 'interrupted').map((r) => r.caseId));
  return all.filter((c) => !done.has(c.caseId));
}

/** Builds the plan of a (possibly resumed) run without running anything. */
export function planRun(
  scenario: Scenario,
  tasks: readonly PlanTask[],
  o: { timeScale: number; concurrency?: number; previous?: readonly CaseResult[] },
): { plan: Plan; skipped: string[] } {
  const all = expandCases(scenario);
  const todo = remainingCases(all, o.previous ?? []);
  const skipped = all.filter((c) => !todo.includes(c)).map((c) => c.caseId);
  const plan = buildPlan(todo, tasks, {
    timeScale: o.timeScale,
    ...(o.concurrency === undefined ? {} : { concurrency: o.concurrency }),
  });
  return { plan, skipped };
}

/** Runs the matrix. Never throws for a case; throws only when the run directory cannot be written. */
export async function runTimeoutMatrix(o: TimeoutMatrixOptions): Promise<TimeoutMatrixResult> {
  const { deps, signal, observer: obs = {} } = o;
  const startedAt = o.startedAt ?? new Date(deps.clock.now()).toISOString();
  const previous = [...(o.previous ?? [])].filter((r) => r.outcome !== 'interrupted');
  const { plan, skipped } = planRun(o.scenario, o.tasks, {
    timeScale: o.timeScale,
    previous,
    ...(o.concurrency === undefined ? {} : { concurrency: o.concurrency }),
  });
  obs.onPlan?.(plan, skipped);

  const results: CaseResult[] = [];
  const taskOf = new Map(o.tasks.map((t) => [t.task, t]));
  const record = async (r: CaseResult) => {
    results.push(r);
    await o.store.appendResult(r);
    obs.onCaseResult?.(r);
  };

  // Phases by preference key, in plan order ("default" first).
  const ordered = orderCases(plan.cases.map((p) => p.spec));
  const phases = new Map<string, CaseSpec[]>();
  for (const c of ordered) {
    const k = preferenceKey(c.variant.preferences);
    phases.set(k, [...(phases.get(k) ?? []), c]);
  }

  for (const [key, cells] of phases) {
    if (signal.aborted) break;
    obs.onPhase?.(key, cells.length);
    const change = cells[0]?.variant.preferences;
    let phaseError: unknown;
    try {
      if (change) {
        if (!o.preferences) throw new Error('Session Manager preferences cannot be changed on this target');
        const saved = await o.preferences.save();
        await o.store.savePreferences(saved);
        await o.preferences.apply(change, key);
      }
      await runMatrix({
        cells,
        targets: o.tasks.map((t) => ({ id: t.task, limit: caseSlots(t.sessionLimit) })),
        ...(o.concurrency === undefined ? {} : { concurrency: o.concurrency }),
        signal,
        runCell: async (spec, taskId, sig) => {
          const t = taskOf.get(taskId) as PlanTask;
          obs.onCaseStart?.(spec.caseId, spec, taskId);
          const started = startedAtNow(deps);
          let r: CaseResult;
          try {
            r = await o.executor.run(
              { runId: o.runId, spec, target: { cluster: o.cluster, task: t.task, container: t.container } },
              sig,
              (s, d) => obs.onCaseStatus?.(spec.caseId, s, d),
            );
          } catch (err) {
            // A case that errors becomes a result carrying its code; the run goes on.
            r = errorResult(spec, t, err, started);
          }
          await record(r);
          return r;
        },
        // Only when recording itself failed (the run directory): keep the pool going.
        onError: (spec, taskId, err) =>
          errorResult(spec, taskOf.get(taskId) as PlanTask, err, startedAtNow(deps)),
      });
    } catch (err) {
      phaseError = err;
    } finally {
      if (change && o.preferences?.changed) {
        try {
          await o.preferences.restore();
        } catch (err) {
          obs.onWarning?.(`could not restore Session Manager preferences: ${(err as Error).message}`);
        }
      }
    }
    if (phaseError !== undefined) {
      // The phase could not start (preferences): its cases become errors, the run goes on.
      for (const spec of cells) {
        if (results.some((r) => r.caseId === spec.caseId)) continue;
        await record(errorResult(spec, o.tasks[0] as PlanTask, phaseError, startedAtNow(deps)));
      }
    }
  }

  // Kill whatever the run left in the containers: after Ctrl-C everywhere, else where a case may
  // have left something (an error, a payload still running at its last readback). A case that
  // ended cleanly leaves only its marker files (removed by `ecs-diag cleanup DIR`).
  const interrupted = signal.aborted || results.some((r) => r.outcome === 'interrupted');
  const dirty = new Set(
    results
      .filter(
        (r) => r.outcome === 'interrupted' || r.outcome === 'error' || r.details?.['stillRunningAtReadback'],
      )
      .map((r) => r.task),
  );
  await cleanupTasks(
    o.tasks
      .filter((t) => interrupted || dirty.has(t.task))
      .map((t) => ({ cluster: o.cluster, task: t.task, container: t.container })),
    o.runId,
    o.exec,
    obs,
  );

  const all = mergeResults(previous, results);
  const report = buildReport({
    runId: o.runId,
    scenario: { name: o.scenario.name, file: o.scenario.file },
    variants: o.scenario.variants,
    target: o.target,
    startedAt,
    endedAt: new Date(deps.clock.now()).toISOString(),
    cases: all,
    plannedCases: expandCases(o.scenario).length,
    interrupted,
  });
  await o.store.writeAtomic('reportJson', `${JSON.stringify(report, null, 2)}\n`);
  await o.store.writeAtomic('reportMd', renderMarkdown(report, o.scenario.variants));
  return { report, interrupted, plan };
}

/** Kills a run's leftovers in each container (one short session each, in parallel). */
export async function cleanupTasks(
  targets: readonly ContainerRef[],
  runId: string,
  exec: ExecPort,
  obs: RunObserver = {},
): Promise<number> {
  const counts = await Promise.all(
    targets.map(async (t) => {
      try {
        const r = await exec.exec(t, cleanupScript(runId));
        const killed = parseKilled(r.stdout).length;
        obs.onCleanup?.(t.task, killed);
        return killed;
      } catch (err) {
        obs.onWarning?.(`cleanup of task ${t.task} failed: ${(err as Error).message}`);
        return 0;
      }
    }),
  );
  return counts.reduce((a, b) => a + b, 0);
}

/** Previous results plus new ones (new ones win), in scenario order is left to the report. */
function mergeResults(previous: readonly CaseResult[], fresh: readonly CaseResult[]): CaseResult[] {
  const by = new Map(previous.map((r) => [r.caseId, r]));
  for (const r of fresh) by.set(r.caseId, r);
  return [...by.values()];
}

function startedAtNow(deps: Deps): string {
  return new Date(deps.clock.now()).toISOString();
}

/** A thrown error as a case result, with its code. */
export function errorResult(spec: CaseSpec, task: PlanTask, err: unknown, startedAt: string): CaseResult {
  const code = isDiagError(err)
    ? err.code
    : typeof (err as { name?: unknown })?.name === 'string' && (err as { $metadata?: unknown }).$metadata
      ? awsCode((err as { name: string }).name)
      : 'SCN_CASE_FAILED';
  const message = (err as Error)?.message ?? String(err);
  return {
    schemaVersion: RUN_SCHEMA_VERSION,
    caseId: spec.caseId,
    variant: spec.variant.name,
    durationS: spec.durationS,
    task: task.task,
    container: task.container,
    outcome: 'error',
    startedAt,
    error: { code, message: message.split('\n')[0] ?? message },
  };
}

/** An AWS error name as one of the tool's codes. */
export function awsCode(name: string): string {
  switch (name) {
    case 'AccessDeniedException':
    case 'AccessDenied':
      return 'AWS_ACCESS_DENIED';
    case 'ClusterNotFoundException':
      return 'AWS_CLUSTER_NOT_FOUND';
    case 'TargetNotConnectedException':
      return 'AWS_TARGET_NOT_CONNECTED';
    case 'InvalidParameterException':
      return 'AWS_INVALID_PARAMETER';
    case 'ThrottlingException':
      return 'AWS_THROTTLED';
    default:
      return 'AWS_SERVICE_ERROR';
  }
}
