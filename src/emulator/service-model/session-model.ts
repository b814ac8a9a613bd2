/**
 * What MGS (the Session Manager service) does with a session once ECS has started it, in logical
 * time:
 *
 *   ExecuteCommand ─► register(): command already running, status Connected, idle clock starts
 *        │  client traffic of a kind in profile.idleResetBy ─► lastActivityAt = now
 *        │  client attaches ─► Connected; detaches ─► Disconnected (resumable)
 *        ▼
 *   sweep every sweepIntervalS (phase drawn once) ─► now - lastActivityAt ≥ idle timeout?
 *        │ yes: gateway.closeChannel(id, idleTimeoutMessage); agent.cancel('idle-timeout'); Terminated
 *        │ (max duration likewise, only when profile.applySessionPreferences)
 *   command ended by itself ─► Terminating, kept in History until the sweep expires it
 *   TerminateSession / StopTask ─► channel closed, agent cancelled, Terminated at once
 *
 * So an idle session dies in [idle, idle + sweepInterval) after its last input: 1200–1260 s by
 * default. @see /work/shared/docs/ssm-data-channel.md §3.4, §4.6, §4.7
 */
import type { EventSink } from '../../deps.js';
import type {
  AgentSessionEnd,
  AgentSessionHandle,
  BehaviourProfile,
  CancelReason,
  DataChannelGateway,
  GatewayEvents,
  LogicalClock,
} from '../contracts.js';
import type { SessionRecord, SessionStatus } from '../state/world-state.js';

/** Session Manager preferences in force (SSM-SessionManagerRunShell), minutes. */
export interface SessionPreferences {
  readonly idleSessionTimeoutMin?: number;
  readonly maxSessionDurationMin?: number;
}

/** What the model needs. */
export interface SessionModelOptions {
  readonly clock: LogicalClock;
  readonly profile: BehaviourProfile;
  readonly random: () => number;
  readonly gateway: DataChannelGateway;
  readonly log: EventSink;
  /** The preferences document's values (read when a session starts and at each sweep). */
  readonly preferences: () => SessionPreferences;
  /** Called after any change of a session record (persistence). */
  readonly changed: () => void;
}

/** Max-duration expiry text (emulator choice; not found in public sources). */
export const MAX_DURATION_MESSAGE = 'Your session has reached its maximum duration and has been terminated.';

const ACTIVE: ReadonlySet<SessionStatus> = new Set(['Connected', 'Connecting', 'Disconnected']);

/** True when a status belongs to DescribeSessions State=Active. */
export const isActiveStatus = (s: SessionStatus) => ACTIVE.has(s);

interface Live {
  readonly record: SessionRecord;
  readonly agent: AgentSessionHandle;
  /** The command has ended (by itself or cancelled). */
  commandEnded: boolean;
}

/** The service-side session model. Implements the gateway's events. */
export class SessionModel implements GatewayEvents {
  readonly #o: SessionModelOptions;
  readonly #live = new Map<string, Live>();
  readonly #records = new Map<string, SessionRecord>();
  #timer: unknown;
  #origin = 0;
  #tick = -1;
  #phaseMs = 0;
  #closed = false;

  constructor(opts: SessionModelOptions) {
    this.#o = opts;
  }

  /** The sweep phase in logical seconds (drawn once when 'random'). */
  get sweepPhaseS(): number {
    return this.#phaseMs / 1000;
  }

  /** Starts the sweep. Sweeps run at origin + phase + k·interval (logical). */
  start(): void {
    const { profile } = this.#o;
    const intervalMs = profile.sweepIntervalS * 1000;
    this.#phaseMs =
      profile.sweepPhaseS === 'random'
        ? Math.floor(this.#o.random() * intervalMs)
        : profile.sweepPhaseS * 1000;
    this.#origin = this.#o.clock.now();
    this.#tick = -1;
    this.#schedule();
  }

  /** Stops the sweep. Sessions are left as they are (the agent host stops the commands). */
  close(): void {
    this.#closed = true;
    if (this.#timer !== undefined) this.#o.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Adopts session records loaded from a state file (their commands are gone: history only). */
  adopt(record: SessionRecord): void {
    this.#records.set(record.sessionId, record);
    if (ACTIVE.has(record.status) || record.status === 'Terminating') {
      record.status = 'Terminated';
      record.endDate ??= this.#o.clock.now();
      record.endReason ??= 'emulator-restarted';
    }
  }

  /** A session ECS just started: the command is already running (ExecuteCommand returned). */
  register(record: SessionRecord, agent: AgentSessionHandle): void {
    const live: Live = { record, agent, commandEnded: false };
    this.#records.set(record.sessionId, record);
    this.#live.set(record.sessionId, live);
    agent.ended.then(
      (end) => this.#onCommandEnded(live, end),
      (err: unknown) => this.#onCommandEnded(live, { kind: 'failed', error: String(err) }),
    );
    this.#o.changed();
  }

  /** Sessions whose command still runs in this task's container (SessionWorkersLimit). */
  runningCount(taskId: string, containerName: string): number {
    let n = 0;
    for (const l of this.#live.values()) {
      if (!l.commandEnded && l.record.taskId === taskId && l.record.containerName === containerName) n++;
    }
    return n;
  }

  /** The preferences in force now (for a session that is starting). */
  preferencesNow(): SessionPreferences {
    return this.#o.preferences();
  }

  /** The record of a session, live or historical. */
  get(sessionId: string): SessionRecord | undefined {
    return this.#records.get(sessionId);
  }

  /** TerminateSession, or the task stopping: close the channel, cancel the command, Terminated. */
  async terminate(sessionId: string, reason: CancelReason): Promise<void> {
    const live = this.#live.get(sessionId);
    const record = this.#records.get(sessionId);
    if (!record || record.status === 'Terminated' || record.status === 'Failed') return;
    this.#end(record, 'Terminated', reason);
    if (live) await this.#kill(live, '', reason);
  }

  /** Ends every session of a task (StopTask). */
  async terminateTask(taskId: string): Promise<void> {
    const ids = [...this.#live.values()]
      .filter((l) => l.record.taskId === taskId)
      .map((l) => l.record.sessionId);
    await Promise.all(ids.map((id) => this.terminate(id, 'task-stopped')));
  }

  // --- GatewayEvents ------------------------------------------------------------------

  onClientTraffic(sessionId: string, kind: 'input' | 'size' | 'ack' | 'attach'): void {
    const record = this.#records.get(sessionId);
    if (!record || !ACTIVE.has(record.status)) return;
    let changed = false;
    if (this.#o.profile.idleResetBy.includes(kind)) {
      record.lastActivityAt = this.#o.clock.now();
      changed = true;
    }
    if (kind === 'attach' && record.status !== 'Connected') {
      record.status = 'Connected';
      changed = true;
    }
    if (changed) this.#o.changed();
  }

  onClientDetached(sessionId: string): void {
    const record = this.#records.get(sessionId);
    if (record?.status !== 'Connected') return;
    record.status = 'Disconnected';
    this.#o.changed();
  }

  // --- the sweep --------------------------------------------------------------------------

  #schedule(): void {
    if (this.#closed) return;
    const intervalMs = this.#o.profile.sweepIntervalS * 1000;
    const now = this.#o.clock.now();
    // The next tick strictly after now, on the fixed grid (no drift from late timers).
    const k = Math.max(this.#tick + 1, Math.floor((now - this.#origin - this.#phaseMs) / intervalMs) + 1);
    const at = this.#origin + this.#phaseMs + k * intervalMs;
    this.#tick = k;
    this.#arm(at);
  }

  /**
   * Arms the timer for the tick at `at`. A timer that fires early (scaled timers round) is re-armed
   * for the rest; a late one decides as of its tick, so which sessions expire follows the model's
   * grid, not the host's load.
   */
  #arm(at: number): void {
    this.#timer = this.#o.clock.setTimeout(() => {
      this.#timer = undefined;
      if (this.#closed) return;
      // More than a logical millisecond early (float rounding alone is less): wait for the rest.
      if (at - this.#o.clock.now() > 1) {
        this.#arm(at);
        return;
      }
      this.sweep(at);
      this.#schedule();
    }, at - this.#o.clock.now());
  }

  /** One service sweep as of `now` (its tick time; public for tests that drive it directly). */
  sweep(now: number = this.#o.clock.now()): void {
    const { profile } = this.#o;
    const prefs = profile.applySessionPreferences ? this.#o.preferences() : {};
    const idleMs =
      (prefs.idleSessionTimeoutMin !== undefined ? prefs.idleSessionTimeoutMin * 60 : profile.idleTimeoutS) *
      1000;
    for (const live of [...this.#live.values()]) {
      const r = live.record;
      if (!ACTIVE.has(r.status) && r.status !== 'Terminating') {
        this.#live.delete(r.sessionId);
        continue;
      }
      const idleFor = now - r.lastActivityAt;
      const maxMin =
        profile.applySessionPreferences && r.maxSessionDuration ? Number(r.maxSessionDuration) : undefined;
      const expiredIdle = idleFor >= idleMs;
      const expiredMax = maxMin !== undefined && maxMin > 0 && now - r.startDate >= maxMin * 60_000;
      if (r.status === 'Terminating') {
        // The command ended by itself; MGS keeps the session Terminating until it expires.
        const terminatingUntil = profile.terminatingUntil ?? 'idle-expiry';
        if (terminatingUntil === 'next-sweep' || expiredIdle || expiredMax) {
          r.status = 'Terminated';
          this.#live.delete(r.sessionId);
          this.#o.changed();
        }
        continue;
      }
      if (!expiredIdle && !expiredMax) continue;
      const reason: CancelReason = expiredIdle ? 'idle-timeout' : 'max-duration';
      const message = expiredIdle ? profile.idleTimeoutMessage : MAX_DURATION_MESSAGE;
      this.#o.log.emit({
        time: now,
        level: 'info',
        code: 'EMU_I0300',
        message: `session ${r.sessionId} expired (${reason}) after ${((now - r.lastActivityAt) / 1000).toFixed(1)} s idle`,
        data: { sessionId: r.sessionId, reason, idleS: idleFor / 1000, ageS: (now - r.startDate) / 1000 },
      });
      // EndDate is when the service actually ended it (a sweep the host delayed ends late).
      this.#end(r, 'Terminated', reason);
      void this.#kill(live, message, reason);
    }
  }

  #end(record: SessionRecord, status: SessionStatus, reason: string): void {
    record.status = status;
    record.endDate ??= this.#o.clock.now();
    record.endReason ??= reason;
    if (status === 'Terminated' || status === 'Failed') this.#live.delete(record.sessionId);
    this.#o.changed();
  }

  async #kill(live: Live, message: string, reason: CancelReason): Promise<void> {
    this.#live.delete(live.record.sessionId);
    try {
      this.#o.gateway.closeChannel(live.record.sessionId, message);
    } finally {
      if (!live.commandEnded) {
        await live.agent.cancel(reason).catch((err: unknown) => {
          this.#o.log.emit({
            time: this.#o.clock.now(),
            level: 'warn',
            code: 'EMU_W0301',
            message: `cancel of session ${live.record.sessionId} failed: ${(err as Error).message}`,
          });
        });
      }
    }
  }

  #onCommandEnded(live: Live, end: AgentSessionEnd): void {
    live.commandEnded = true;
    const r = live.record;
    if (!ACTIVE.has(r.status)) return; // the service ended it first
    if (end.kind === 'failed') {
      this.#end(r, 'Failed', 'failed');
      return;
    }
    r.status = 'Terminating';
    r.endDate = this.#o.clock.now();
    r.endReason = end.kind === 'exited' ? 'exited' : end.reason;
    this.#o.changed();
  }
}
