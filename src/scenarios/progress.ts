/**
 * Progress of a matrix run, as a {@link RunObserver}:
 * - `tty`: a live block with one line per running case (elapsed / planned, status), redrawn in place;
 * - `plain`: one timestamped line per event (logs, CI);
 * - `ndjson`: one JSON event per line (`--json`), on stdout.
 */
import type { Clock, TimerHandle } from '../deps.js';
import type { CaseStatus } from './case-executor.js';
import type { CaseSpec } from './matrix.js';
import { type Plan, renderPlan, shortId } from './plan.js';
import { caseText } from './report.js';
import type { CaseResult } from './result.js';
import type { RunObserver } from './timeout-matrix.js';

/** Where progress goes. */
export interface ProgressOut {
  write(chunk: string): unknown;
}

/** Options of {@link createProgress}. */
export interface ProgressOptions {
  readonly mode: 'tty' | 'plain' | 'ndjson' | 'quiet';
  readonly out: ProgressOut;
  readonly clock: Clock;
  readonly timeScale: number;
  /** Live redraw period (tty). @default 250 */
  readonly redrawMs?: number;
}

interface Running {
  readonly spec: CaseSpec;
  readonly task: string;
  readonly startMs: number;
  status: CaseStatus;
  detail?: string;
}

/** A progress observer; call `stop()` when the run ends (clears the live block). */
export function createProgress(o: ProgressOptions): RunObserver & { stop(): void } {
  const running = new Map<string, Running>();
  let drawn = 0;
  let timer: TimerHandle | undefined;
  const logical = (ms: number) => Math.round(ms / 1000 / o.timeScale);
  const stamp = () => new Date(o.clock.now()).toISOString().slice(11, 19);

  const clear = () => {
    if (drawn > 0) o.out.write(`\u001b[${drawn}A\u001b[J`);
    drawn = 0;
  };
  const draw = () => {
    clear();
    const now = o.clock.now();
    const lines = [...running.entries()].map(
      ([id, r]) =>
        `  ${id.padEnd(28)} ${String(logical(now - r.startMs)).padStart(5)}/${String(r.spec.durationS).padEnd(5)} s  ${r.status}${r.detail ? ` ${r.detail}` : ''}`,
    );
    if (lines.length > 0) o.out.write(`${lines.join('\n')}\n`);
    drawn = lines.length;
  };
  const schedule = () => {
    if (o.mode !== 'tty' || timer !== undefined) return;
    timer = o.clock.setTimeout(() => {
      timer = undefined;
      draw();
      if (running.size > 0) schedule();
    }, o.redrawMs ?? 250);
  };
  /** A line above the live block. */
  const line = (text: string) => {
    if (o.mode === 'quiet' || o.mode === 'ndjson') return;
    if (o.mode === 'tty') {
      clear();
      o.out.write(`${text}\n`);
      draw();
    } else {
      o.out.write(`${stamp()} ${text}\n`);
    }
  };
  const event = (type: string, data: Record<string, unknown>) => {
    if (o.mode === 'ndjson')
      o.out.write(`${JSON.stringify({ type, time: new Date(o.clock.now()).toISOString(), ...data })}\n`);
  };

  return {
    onPlan(plan: Plan, skipped) {
      event('plan', {
        cases: plan.cases.map((c) => ({
          caseId: c.spec.caseId,
          task: plan.tasks[c.taskIndex]?.task,
          wave: c.wave,
        })),
        skipped,
        waves: plan.waves,
        slots: plan.slots,
        lowerBoundRealS: plan.lowerBoundRealS,
        expectedWallRealS: plan.expectedWallRealS,
      });
      if (skipped.length > 0) line(`resume: ${skipped.length} case(s) already have a result`);
      for (const l of renderPlan(plan)) line(l);
    },
    onPhase(key, cases) {
      event('phase', { preferences: key, cases });
      line(
        key === 'default'
          ? `phase: ${cases} case(s)`
          : `phase: Session Manager preferences ${key}, ${cases} case(s)`,
      );
    },
    onCaseStart(caseId, spec, task) {
      running.set(caseId, { spec, task, startMs: o.clock.now(), status: 'starting' });
      event('case-start', { caseId, variant: spec.variant.name, durationS: spec.durationS, task });
      if (o.mode === 'plain') line(`start ${caseId} on task ${shortId(task)}`);
      schedule();
    },
    onCaseStatus(caseId, status, detail) {
      const r = running.get(caseId);
      if (r) {
        r.status = status;
        if (detail === undefined) delete r.detail;
        else r.detail = detail;
      }
      event('case-status', { caseId, status, ...(detail === undefined ? {} : { detail }) });
    },
    onCaseResult(result: CaseResult) {
      running.delete(result.caseId);
      event('case-result', { result });
      line(`done  ${result.caseId}: ${caseText(result)}${result.error ? ` (${result.error.message})` : ''}`);
    },
    onCleanup(task, killed) {
      event('cleanup', { task, killed });
      if (killed > 0) line(`cleanup: killed ${killed} leftover process(es) in task ${shortId(task)}`);
    },
    onWarning(message) {
      event('warning', { message });
      line(`warning: ${message}`);
    },
    stop() {
      if (timer !== undefined) o.clock.clearTimeout(timer);
      timer = undefined;
      if (o.mode === 'tty') clear();
    },
  };
}
