/**
 * Turns what was collected about a session into its report: how it ended, when, and the
 * evidence. Pure.
 *
 * Precedence, strongest first:
 * 1. the cancel path ran (`The session was cancelled`, `unable to wait pty: signal: killed`, the
 *    master's `requested cancel…`) before any exit of the command's own → `cancelled-by-service`,
 *    or `worker-signalled` when the worker logged `caught signal to terminate` and no cancel
 *    request came over the control channel;
 * 2. the command's exit (`pty process: <pid> exited …`) → `completed`; so is `Stopping pty` followed by
 *    the data channel closing without any cancel (a clean exit is logged only at DEBUG);
 * 3. a data-channel failure (1006 retry limit, I/O timeout, CreateDataChannel failed) → `connection-lost`;
 * 4. otherwise `unknown` (a transcript footer or `Session worker closed` only say that it ended).
 * @see ssm-data-channel.md §4.3, §4.7
 */

import { minMedianMax } from '../stats.js';
import type {
  AnalyzeSummary,
  DurationStats,
  Evidence,
  SessionEnd,
  SessionEndKind,
  SessionReport,
} from './analyze-result.js';
import type { SessionState, TrackedEvidence } from './session-tracker.js';

/** The ECS Exec idle-timeout kill window, in seconds (1200 s timeout + the service's sweep). @see §4.7 */
export const IDLE_TIMEOUT_WINDOW_SECONDS = { min: 1200, max: 1320 } as const;

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

function has(s: SessionState, kind: Parameters<SessionState['seen']['get']>[0]): boolean {
  return (s.seen.get(kind) ?? 0) > 0;
}

/** The end of a session, with the time it began. */
function endOf(s: SessionState): { kind: SessionEndKind; at: number | null; reason: string } {
  const cancelled = has(s, 'cancelled') || has(s, 'wait-killed') || has(s, 'cancel-requested');
  const signalled = has(s, 'worker-signalled');
  const exitFirst = s.exitSeen && s.exitSignal === null && (s.stopAt === null || (s.exitAt ?? 0) < s.stopAt);
  if ((cancelled || signalled) && !exitFirst) {
    if (signalled && !has(s, 'cancel-requested')) {
      return {
        kind: 'worker-signalled',
        at: s.stopAt,
        reason: 'the session worker caught a termination signal and ran its cancel path',
      };
    }
    const what = has(s, 'wait-killed')
      ? 'the agent SIGKILLed the command (unable to wait pty: signal: killed)'
      : 'the agent ran its cancel path (The session was cancelled)';
    return {
      kind: 'cancelled-by-service',
      at: s.stopAt,
      reason: `${what} after the service closed the channel`,
    };
  }
  if (s.exitSeen) {
    const how = s.exitStatus !== null ? `exit status ${s.exitStatus}` : `signal ${s.exitSignal ?? 'unknown'}`;
    return { kind: 'completed', at: s.exitAt, reason: `the command exited on its own (${how})` };
  }
  const closed = has(s, 'closing') || has(s, 'worker-closed');
  if (has(s, 'stopping-pty') && closed) {
    // ECS Exec logs at INFO: a clean exit's `exited successfully` is DEBUG, so it is absent.
    return {
      kind: 'completed',
      at: s.stopAt,
      reason:
        'the worker stopped the pty and closed without a cancel (exit status 0 is logged only at DEBUG)',
    };
  }
  if (s.connectionAt !== null || has(s, 'connection-lost') || has(s, 'create-channel-failed')) {
    const gone = has(s, 'create-channel-failed') ? '; reconnecting failed' : '';
    return {
      kind: 'connection-lost',
      at: s.connectionAt,
      reason: `the data channel broke and no end of the command was logged${gone}`,
    };
  }
  if (s.transcriptFooter || s.closedAt !== null || closed) {
    return {
      kind: 'unknown',
      at: s.closedAt ?? s.transcriptEnd,
      reason: 'the session ended, but the logs do not say how',
    };
  }
  return { kind: 'unknown', at: null, reason: 'no end was logged (still running, or the lines are missing)' };
}

/** Builds the report of one session. `fileOrder` gives each file's position in the input. */
export function reportSession(s: SessionState, fileOrder: ReadonlyMap<string, number>): SessionReport {
  const end = endOf(s);
  const start = minTimeOf(s.firstTime, s.transcriptStart);
  const durationSeconds =
    start !== null && end.at !== null && end.at >= start ? (end.at - start) / 1000 : null;
  const sessionEnd: SessionEnd = {
    kind: end.kind,
    at: iso(end.at),
    reason: end.reason,
    ...(end.kind === 'completed' && s.exitStatus !== null ? { exitStatus: s.exitStatus } : {}),
    ...(end.kind === 'completed' && s.exitSignal !== null ? { exitSignal: s.exitSignal } : {}),
    ...(end.kind === 'cancelled-by-service' && durationSeconds !== null
      ? {
          idleTimeoutWindow:
            durationSeconds >= IDLE_TIMEOUT_WINDOW_SECONDS.min &&
            durationSeconds <= IDLE_TIMEOUT_WINDOW_SECONDS.max,
        }
      : {}),
  };
  return {
    sessionId: s.sessionId,
    label: s.label,
    start: iso(start),
    end: sessionEnd,
    durationSeconds,
    evidence: evidenceOf(s, fileOrder),
    evidenceOmitted: s.evidenceOmitted,
    files: [...s.files].sort((a, b) => (fileOrder.get(a) ?? 0) - (fileOrder.get(b) ?? 0)),
  };
}

function minTimeOf(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.min(a, b);
}

function evidenceOf(s: SessionState, fileOrder: ReadonlyMap<string, number>): Evidence[] {
  const all: TrackedEvidence[] = [...s.evidence];
  const st = s.startEvidence;
  if (st !== null && !all.some((e) => e.file === st.file && e.line === st.line)) all.push(st);
  all.sort((a, b) => (fileOrder.get(a.file) ?? 0) - (fileOrder.get(b.file) ?? 0) || a.line - b.line);
  return all.map(({ file, line, text, role }) => ({ file, line, text, role }));
}

/**
 * errors.log repeats the ERROR lines of amazon-ssm-agent.log. A session without id that came
 * from an errors.log (a trimmed excerpt) is merged into the one named session that logged an
 * identical message (at the same time, when both have one). Returns the keys merged away.
 */
export function mergeErrorsLogOrphans(sessions: readonly SessionState[]): string[] {
  const named = sessions.filter((s) => s.sessionId !== null);
  const merged: string[] = [];
  for (const orphan of sessions) {
    if (orphan.sessionId !== null) continue;
    const file = [...orphan.files][0] ?? '';
    if (!/(^|[/\\])errors\.log/.test(file)) continue;
    const matches = named.filter((n) =>
      orphan.evidence.some((o) =>
        n.evidence.some((e) => e.msg === o.msg && (e.time === null || o.time === null || e.time === o.time)),
      ),
    );
    const target = matches.length === 1 ? matches[0] : undefined;
    if (target === undefined) continue;
    mergeInto(target, orphan);
    merged.push(orphan.key);
  }
  return merged;
}

function mergeInto(target: SessionState, from: SessionState): void {
  for (const [kind, n] of from.seen) target.seen.set(kind, (target.seen.get(kind) ?? 0) + n);
  target.stopAt = minTimeOf(target.stopAt, from.stopAt);
  target.connectionAt = minTimeOf(target.connectionAt, from.connectionAt);
  target.closedAt = minTimeOf(target.closedAt, from.closedAt);
  if (!target.exitSeen && from.exitSeen) {
    target.exitSeen = true;
    target.exitAt = from.exitAt;
    target.exitStatus = from.exitStatus;
    target.exitSignal = from.exitSignal;
  }
  for (const e of from.evidence) target.evidence.push(e);
  target.evidenceOmitted += from.evidenceOmitted;
  for (const f of from.files) target.files.add(f);
}

/** Min/median/max of `values` (median of an even count: the mean of the middle two). */
export function durationStats(values: readonly number[]): DurationStats | null {
  return minMedianMax(values);
}

/** Counts over the sessions. */
export function summarize(sessions: readonly SessionReport[]): AnalyzeSummary {
  const byEnd: Record<SessionEndKind, number> = {
    completed: 0,
    'cancelled-by-service': 0,
    'worker-signalled': 0,
    'connection-lost': 0,
    unknown: 0,
  };
  const killDurations: number[] = [];
  for (const s of sessions) {
    byEnd[s.end.kind] += 1;
    if (s.end.kind === 'cancelled-by-service' && s.durationSeconds !== null)
      killDurations.push(s.durationSeconds);
  }
  return {
    sessions: sessions.length,
    kills: byEnd['cancelled-by-service'],
    byEnd,
    killDurationSeconds: durationStats(killDurations),
  };
}
