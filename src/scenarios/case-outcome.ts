/**
 * Turns the markers read back from a container into a case's outcome (pure).
 *
 * - an `exit` marker below 128 → the payload ran to its end: `survived` when the session had
 *   ended more than a second before, else `completed`;
 * - no `exit`, or a status ≥ 128 (a signal), once the payload is gone → `killed` at the `gone`
 *   stamp (the last heartbeat when the watcher left none);
 * - still running at the last readback → `survived` when the session has ended (the payload
 *   outlived it), else the case is not finished.
 */
import { logicalSeconds, type Markers, type TimeOrigin } from './instrumentation.js';
import type { CaseOutcome } from './result.js';

/** Logical seconds a payload end must follow the session end by to count as surviving it. */
const SURVIVAL_MARGIN_S = 1;

/** The classification of one readback. */
export interface Classification {
  /** `pending`: the payload is still running and the session still up: read back later. */
  readonly outcome: CaseOutcome | 'pending';
  readonly endS?: number;
  readonly killedAtS?: number;
  readonly sessionEndS?: number;
  readonly exitStatus?: number;
  /** The payload was still running at the readback. */
  readonly stillRunning: boolean;
  /** How the kill time was measured: the watcher's EOF stamp, or the last heartbeat. */
  readonly killPrecision?: 'watcher' | 'heartbeat';
  readonly error?: string;
}

/** Rounds to 0.01 s: the figures are reported to 1 s, the raw value kept a little finer. */
function r2(n: number | undefined): number | undefined {
  return n === undefined ? undefined : Math.round(n * 100) / 100;
}

/**
 * Classifies a readback.
 * @param serviceSessionEndS when the service says the session ended (DescribeSessions), if known
 */
export function classifyMarkers(m: Markers, origin: TimeOrigin, serviceSessionEndS?: number): Classification {
  if (m.missing || !m.start) {
    return {
      outcome: 'error',
      stillRunning: false,
      error: m.error ?? 'the payload never started (no markers)',
    };
  }
  if (m.error) return { outcome: 'error', stillRunning: false, error: m.error };
  if (!m.payloadStarted && m.exitStatus === undefined && m.running.length === 0) {
    return {
      outcome: 'error',
      stillRunning: false,
      error: 'the payload did not start (see the case directory)',
    };
  }
  const rel = (s: Markers['start']) => logicalSeconds(s, m.start, origin);
  const leaderGoneS = rel(m.leaderGone);
  const sessionEndS = serviceSessionEndS ?? leaderGoneS;
  const base = { ...(sessionEndS === undefined ? {} : { sessionEndS: r2(sessionEndS) }) };
  const stillRunning = m.running.length > 0 && m.gone === undefined;

  if (m.exitStatus !== undefined && m.exitStatus < 128) {
    const endS = rel(m.end) ?? rel(m.gone);
    const survived =
      sessionEndS !== undefined && endS !== undefined && sessionEndS + SURVIVAL_MARGIN_S < endS;
    return {
      ...base,
      outcome: survived ? 'survived' : 'completed',
      ...(endS === undefined ? {} : { endS: r2(endS) }),
      exitStatus: m.exitStatus,
      stillRunning: false,
    };
  }
  if (stillRunning) {
    return { ...base, outcome: sessionEndS === undefined ? 'pending' : 'survived', stillRunning: true };
  }
  const goneS = rel(m.gone);
  const killedAtS = goneS ?? rel(m.hb);
  return {
    ...base,
    outcome: 'killed',
    ...(killedAtS === undefined ? {} : { killedAtS: r2(killedAtS), endS: r2(killedAtS) }),
    ...(m.exitStatus === undefined ? {} : { exitStatus: m.exitStatus }),
    killPrecision: goneS === undefined ? 'heartbeat' : 'watcher',
    stillRunning: false,
  };
}
