/**
 * Running one case: the {@link CaseExecutor} port, and its implementation over ECS Exec.
 *
 *   1. ExecuteCommand with the instrumented wrapper (the time is the case's origin)
 *   2. during the run, per variant: nothing (detached), a client attached (silent / input / sizes),
 *      ssm:ResumeSession at resumeAt
 *   3. at the payload's planned end + grace (earlier once the service says a foreground session
 *      ended), a short exec session reads the markers back; again later if the payload still runs
 *   4. DescribeSessions gives the service's start and end of the session
 *   5. the markers become the outcome (case-outcome.ts)
 *
 * Errors from AWS or the session client propagate: the matrix turns them into `error` results.
 */
import type { EcsApi, SsmApi } from '../aws/clients.js';
import { type Deps, sleep } from '../deps.js';
import { DiagError, isDiagError } from '../errors.js';
import { classifyMarkers } from './case-outcome.js';
import {
  type Markers,
  parseMarkers,
  readbackScript,
  remainingRealMs,
  type TimeOrigin,
  wrapperCommand,
} from './instrumentation.js';
import type { CaseSpec, VariantKind } from './matrix.js';
import { type CaseResult, RUN_SCHEMA_VERSION } from './result.js';
import { executeWithSlot } from './session-slot.js';

/** Where a case runs. */
export interface ContainerRef {
  readonly cluster: string;
  readonly task: string;
  readonly container: string;
}

/** One case to run. */
export interface CaseRun {
  readonly runId: string;
  readonly spec: CaseSpec;
  readonly target: ContainerRef;
}

/** What a case is doing, for progress. */
export type CaseStatus = 'starting' | 'running' | 'attached' | 'resumed' | 'reading back' | 'cleaning up';

/** Runs one case. */
export interface CaseExecutor {
  run(
    c: CaseRun,
    signal: AbortSignal,
    onStatus: (s: CaseStatus, detail?: string) => void,
  ): Promise<CaseResult>;
}

/** Runs a short command in a container (remoteExec). */
export interface ExecPort {
  exec(
    target: ContainerRef,
    script: string,
    signal?: AbortSignal,
  ): Promise<{ readonly stdout: string; readonly exitCode: number | null }>;
}

/** A data-channel client attached to a case's session. */
export interface AttachedClient {
  write(text: string): void;
  resize(cols: number, rows: number): void;
  close(): void;
  /** Resolves with a short reason when the session ends. */
  readonly ended: Promise<string>;
}

/** Attaches our data-channel client to a session. */
export interface AttachPort {
  attach(
    session: { sessionId: string; streamUrl: string; tokenValue: string },
    signal: AbortSignal,
  ): AttachedClient;
}

/** How the target's time relates to ours. */
export interface TargetTime {
  /** Real seconds per logical second (1 on AWS). */
  readonly timeScale: number;
  /** The container's clock is this machine's (an emulator on this host). */
  readonly sameClock: boolean;
  /** Logical epoch ms now (the emulator's logical clock; the real clock on AWS). */
  logicalNow(): number;
  /** This machine's /proc/uptime seconds (same-clock targets, for containers without `date +%s%N`). */
  hostUptimeS?(): number | undefined;
  /**
   * The service's timestamps (DescribeSessions) are on {@link logicalNow}'s clock. False for an
   * emulator reached by URL at another time scale: then they are not used to place the origin.
   * @default true
   */
  readonly serviceClock?: boolean;
}

/** Options of {@link EcsCaseExecutor}. */
export interface EcsCaseExecutorOptions {
  readonly ecs: EcsApi;
  readonly ssm: SsmApi;
  readonly exec: ExecPort;
  readonly attach?: AttachPort;
  readonly deps: Deps;
  readonly time: TargetTime;
  /** Logical seconds after the planned end before reading back. @default 2 */
  readonly graceS?: number;
  /** Real ms added to every wait (process start-up, the readback's own session). @default 250 */
  readonly slackMs?: number;
}

/** Kinds whose payload runs in the session's foreground: when the session ends, the payload did. */
const FOREGROUND: ReadonlySet<VariantKind> = new Set([
  'detached',
  'session-preferences',
  'resume-session',
  'attached',
]);

/** Readbacks of a case before giving up on a payload that keeps running. */
const MAX_READBACKS = 4;

/** Runs cases over ECS Exec (AWS or the emulator: the same calls). */
export class EcsCaseExecutor implements CaseExecutor {
  readonly #o: EcsCaseExecutorOptions;

  constructor(options: EcsCaseExecutorOptions) {
    this.#o = options;
  }

  async run(
    c: CaseRun,
    signal: AbortSignal,
    onStatus: (s: CaseStatus, detail?: string) => void,
  ): Promise<CaseResult> {
    const { deps, time } = this.#o;
    const { spec, target } = c;
    const kind = spec.variant.kind;
    const scale = time.timeScale;
    const details: Record<string, unknown> = {};
    onStatus('starting');

    // 1. Start: the origin is the moment we ask for the session.
    const originReal = deps.clock.now();
    const originLogical = time.logicalNow();
    const uptime = time.sameClock ? time.hostUptimeS?.() : undefined;
    const origin: TimeOrigin = {
      timeScale: scale,
      sameClock: time.sameClock,
      ...(time.sameClock ? { epochMs: originReal } : {}),
      ...(uptime === undefined ? {} : { uptimeS: uptime }),
    };
    const startedAt = new Date(originLogical).toISOString();
    const command = wrapperCommand({
      runId: c.runId,
      caseId: spec.caseId,
      kind,
      durationS: spec.durationS,
      timeScale: scale,
    });
    const out = await executeWithSlot(
      () =>
        this.#o.ecs.executeCommand({
          cluster: target.cluster,
          task: target.task,
          container: target.container,
          interactive: true,
          command,
        }),
      deps,
      signal,
    );
    const session = out.session;
    if (!session?.sessionId) {
      throw new DiagError('SCN_CASE_FAILED', 'ExecuteCommand returned no session');
    }
    const sessionId = session.sessionId;
    onStatus('running', sessionId);

    // 2. The variant's actions while the payload runs.
    const local = new AbortController();
    const onAbort = () => local.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    let client: AttachedClient | undefined;
    let sessionEnded: Promise<string> | undefined;
    const background: Promise<void>[] = [];
    try {
      if (kind === 'attached') {
        if (!this.#o.attach || !session.streamUrl || !session.tokenValue) {
          throw new DiagError(
            'SCN_CASE_FAILED',
            'cannot attach: no data-channel client or no stream URL/token',
          );
        }
        client = this.#o.attach.attach(
          { sessionId, streamUrl: session.streamUrl, tokenValue: session.tokenValue },
          local.signal,
        );
        sessionEnded = client.ended;
        onStatus('attached', spec.variant.attach?.mode);
        const attach = spec.variant.attach;
        if (attach && attach.mode !== 'silent') {
          background.push(
            this.#every(attach.everyS * scale * 1000, local.signal, (n) => {
              if (attach.mode === 'input') client?.write('\n');
              else client?.resize(120 + (n % 2), 40);
            }),
          );
          details['attach'] = { mode: attach.mode, everyS: attach.everyS };
        } else {
          details['attach'] = { mode: 'silent' };
        }
      }
      if (kind === 'resume-session') {
        background.push(
          this.#resumeAt(
            sessionId,
            (spec.variant.resumeAtS ?? 600) * scale * 1000,
            local.signal,
            details,
            onStatus,
          ),
        );
      }
      if (spec.variant.preferences) details['preferences'] = spec.variant.preferences;

      // 3. Wait for the payload's planned end (or the session's end, for foreground payloads).
      const graceS = this.#o.graceS ?? 2;
      const slackMs = this.#o.slackMs ?? 250;
      const plannedEndMs = (spec.durationS + graceS) * scale * 1000 + slackMs;
      const early = FOREGROUND.has(kind)
        ? this.#sessionEnd(sessionId, sessionEnded, local.signal)
        : undefined;
      await this.#waitUntil(originReal + plannedEndMs, early, local.signal);

      // 4. Read back (again while a payload still runs and may yet end).
      let markers: Markers | undefined;
      let readbackLines: string[] = [];
      let classification: ReturnType<typeof classifyMarkers> | undefined;
      let serviceEnd: { startS?: number; endS?: number; status?: string } = {};
      for (let i = 1; i <= MAX_READBACKS; i++) {
        onStatus('reading back', i > 1 ? `#${i}` : undefined);
        const rb = await this.#readback(target, readbackScript(c.runId, spec.caseId), local.signal);
        markers = parseMarkers(rb.stdout);
        readbackLines = rb.stdout
          .split('\n')
          .filter((l) => l.startsWith('ecsdiag:') && !l.startsWith('ecsdiag:nohup='));
        serviceEnd = time.serviceClock === false ? {} : await this.#serviceTimes(sessionId, originLogical);
        const shifted = shiftOrigin(origin, serviceEnd.startS);
        classification = classifyMarkers(markers, shifted, relEnd(serviceEnd));
        if (!(classification.outcome === 'pending' || classification.stillRunning) || i === MAX_READBACKS)
          break;
        // Still running: wait for its end by the container's own clock (a loaded machine starts a
        // payload late), else for the planned end plus a growing margin.
        const remaining = remainingRealMs(markers, spec.durationS, scale);
        const margin = i * Math.max(slackMs, graceS * scale * 1000);
        if (remaining !== undefined && remaining < -(margin + 5000)) break; // long overdue: it outlived its end
        const next =
          remaining === undefined
            ? Math.max(originReal + plannedEndMs, deps.clock.now()) + margin
            : deps.clock.now() + Math.max(0, remaining) + margin;
        await this.#waitUntil(next, undefined, local.signal);
      }
      if (!markers || !classification) throw new DiagError('INTERNAL', 'no readback');
      if (markers.nohup.length > 0) details['nohupOut'] = markers.nohup;
      if (classification.killPrecision) details['killPrecision'] = classification.killPrecision;
      if (serviceEnd.startS !== undefined) details['serviceStartOffsetS'] = round2(serviceEnd.startS);
      if (classification.stillRunning) details['stillRunningAtReadback'] = true;
      if (serviceEnd.status) details['serviceStatus'] = serviceEnd.status;
      // The raw markers: the evidence behind the outcome.
      details['markers'] = readbackLines;
      const outcome = classification.outcome === 'pending' ? 'error' : classification.outcome;
      const result: CaseResult = {
        schemaVersion: RUN_SCHEMA_VERSION,
        caseId: spec.caseId,
        variant: spec.variant.name,
        durationS: spec.durationS,
        task: target.task,
        container: target.container,
        sessionId,
        outcome,
        startedAt,
        ...(classification.endS === undefined ? {} : { endS: classification.endS }),
        ...(classification.killedAtS === undefined ? {} : { killedAtS: classification.killedAtS }),
        ...(classification.sessionEndS === undefined ? {} : { sessionEndS: classification.sessionEndS }),
        ...(classification.exitStatus === undefined ? {} : { exitStatus: classification.exitStatus }),
        ...(Object.keys(details).length > 0 ? { details } : {}),
        ...(outcome === 'error'
          ? {
              error: {
                code: 'SCN_CASE_FAILED',
                message: classification.error ?? 'the payload was still running after its planned end',
              },
            }
          : {}),
      };
      return result;
    } catch (err) {
      if (signal.aborted) {
        return {
          schemaVersion: RUN_SCHEMA_VERSION,
          caseId: spec.caseId,
          variant: spec.variant.name,
          durationS: spec.durationS,
          task: target.task,
          container: target.container,
          sessionId,
          outcome: 'interrupted',
          startedAt,
          ...(Object.keys(details).length > 0 ? { details } : {}),
        };
      }
      throw err;
    } finally {
      signal.removeEventListener('abort', onAbort);
      local.abort();
      client?.close();
      await Promise.allSettled(background);
    }
  }

  /**
   * One readback. The script always prints its `now` line first; a session that ends without it
   * lost its output on the way (seen under heavy load), so it is read again, up to 3 times.
   */
  async #readback(target: ContainerRef, script: string, signal: AbortSignal): Promise<{ stdout: string }> {
    let last = { stdout: '' };
    for (let attempt = 1; attempt <= 3; attempt++) {
      last = await this.#o.exec.exec(target, script, signal);
      if (last.stdout.includes('ecsdiag:now=') || last.stdout.includes('ecsdiag:missing=')) return last;
      await sleep(this.#o.deps.clock, 200 * attempt, signal);
    }
    return last;
  }

  /** Calls `fn` every `periodMs` until aborted. */
  async #every(periodMs: number, signal: AbortSignal, fn: (n: number) => void): Promise<void> {
    for (let n = 0; ; n++) {
      try {
        await sleep(this.#o.deps.clock, periodMs, signal);
      } catch {
        return;
      }
      fn(n);
    }
  }

  /** ssm:ResumeSession after `afterMs`; the outcome goes into details. */
  async #resumeAt(
    sessionId: string,
    afterMs: number,
    signal: AbortSignal,
    details: Record<string, unknown>,
    onStatus: (s: CaseStatus, detail?: string) => void,
  ): Promise<void> {
    try {
      await sleep(this.#o.deps.clock, afterMs, signal);
    } catch {
      return;
    }
    try {
      const r = await this.#o.ssm.resumeSession({ SessionId: sessionId });
      details['resume'] = { atS: round2(afterMs / 1000 / this.#o.time.timeScale), ok: Boolean(r.TokenValue) };
      onStatus('resumed');
    } catch (err) {
      details['resume'] = {
        atS: round2(afterMs / 1000 / this.#o.time.timeScale),
        ok: false,
        error: (err as { name?: string }).name ?? String(err),
      };
    }
  }

  /**
   * Resolves when the session is known to have ended: the attached client's end, or a
   * DescribeSessions poll (every 10 logical s, at least 1 real s apart). Never rejects.
   */
  #sessionEnd(sessionId: string, clientEnd: Promise<string> | undefined, signal: AbortSignal): Promise<void> {
    if (clientEnd) return clientEnd.then(() => undefined);
    const periodMs = Math.max(1000, 10_000 * this.#o.time.timeScale);
    return (async () => {
      for (;;) {
        try {
          await sleep(this.#o.deps.clock, periodMs, signal);
        } catch {
          return new Promise<void>(() => {});
        }
        const t = await this.#serviceTimes(sessionId, 0).catch(() => ({}) as { endS?: number });
        if (t.endS !== undefined) return;
      }
    })();
  }

  /** Sleeps until `atMs` (real), or until `early` resolves. Rejects when aborted. */
  async #waitUntil(atMs: number, early: Promise<void> | undefined, signal: AbortSignal): Promise<void> {
    const ms = Math.max(0, atMs - this.#o.deps.clock.now());
    const timer = sleep(this.#o.deps.clock, ms, signal);
    if (!early) return timer;
    const inner = new AbortController();
    await Promise.race([timer, early.then(() => sleep(this.#o.deps.clock, this.#o.slackMs ?? 250, signal))]);
    inner.abort();
  }

  /**
   * The service's session start and end, logical seconds after `originLogical` (DescribeSessions).
   * Empty when the service does not know the session (yet).
   */
  async #serviceTimes(
    sessionId: string,
    originLogical: number,
  ): Promise<{ startS?: number; endS?: number; status?: string }> {
    for (const state of ['History', 'Active'] as const) {
      try {
        const r = await this.#o.ssm.describeSessions({
          State: state,
          Filters: [{ key: 'SessionId', value: sessionId }],
        });
        const s = r.Sessions?.find((x) => x.SessionId === sessionId);
        if (!s) continue;
        const t = (d: Date | undefined) => (d ? (d.getTime() - originLogical) / 1000 : undefined);
        const startS = t(s.StartDate);
        const endS = s.EndDate ? t(s.EndDate) : undefined;
        return {
          ...(startS === undefined ? {} : { startS }),
          ...(endS === undefined ? {} : { endS }),
          ...(s.Status ? { status: s.Status } : {}),
        };
      } catch (err) {
        if (isDiagError(err)) throw err;
        return {};
      }
    }
    return {};
  }
}

/** Moves the origin to the service's session start (same-clock targets): kill times as the service counts. */
function shiftOrigin(o: TimeOrigin, serviceStartS: number | undefined): TimeOrigin {
  if (!o.sameClock || serviceStartS === undefined) return o;
  const shiftMs = serviceStartS * o.timeScale * 1000;
  return {
    ...o,
    ...(o.epochMs === undefined ? {} : { epochMs: o.epochMs + shiftMs }),
    ...(o.uptimeS === undefined ? {} : { uptimeS: o.uptimeS + shiftMs / 1000 }),
  };
}

/** The service's session end relative to the service's session start. */
function relEnd(t: { startS?: number; endS?: number }): number | undefined {
  if (t.endS === undefined) return undefined;
  return t.endS - (t.startS ?? 0);
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
