/**
 * Collects, line by line, what the logs say about each session, in memory bounded by the
 * number of sessions (never by the size of the logs).
 *
 * Attribution of a line to a session, in order:
 * 1. the id in its context (`[ssm-session-worker] [<id>]`) or in its message (`Closing datachannel
 *    with channel Id <id>`, a data-channel URL, `document: <id> worker started`…);
 * 2. a line that lost its worker prefix (`[DataBackend] …` or no context at all) goes to the
 *    session last named in the same file; before any is named, it waits, and goes to the first
 *    session the file names later (the field excerpts name it only in their last lines);
 * 3. lines of the agent and its control channel (`[ssm-agent-worker]`, `[MessageGatewayService]`)
 *    belong to no session: their 1006 is the control channel's, not a session's.
 * Lines that are still waiting when a file ends form a session without id, labelled by the file.
 */
import type { Evidence, EvidenceRole } from './analyze-result.js';
import type { LogLine } from './line-parser.js';
import type { Signal, SignalKind } from './message-signals.js';
import type { TranscriptFooter, TranscriptHeader } from './transcript.js';

/** Evidence lines kept per session. */
export const MAX_EVIDENCE = 24;
/** Lines held per file while no session has been named yet. */
const MAX_PENDING = 64;
/** Evidence text is cut to this many characters. */
const MAX_EVIDENCE_TEXT = 500;

/** A timed evidence line, as collected. */
export interface TrackedEvidence extends Evidence {
  /** The message part (without timestamp/level/context), to match errors.log against the main log. */
  readonly msg: string;
  readonly time: number | null;
}

/** Everything known about one session so far. */
export interface SessionState {
  readonly key: string;
  readonly sessionId: string | null;
  readonly label: string;
  /** Earliest timestamp from a line that is not errors.log-only. */
  firstTime: number | null;
  /** Earliest time of the cancel/stop sequence (cancel requested, cancelled, Stopping pty, killed). */
  stopAt: number | null;
  exitAt: number | null;
  exitStatus: number | null;
  exitSignal: string | null;
  exitSeen: boolean;
  connectionAt: number | null;
  closedAt: number | null;
  /** Signals seen (counts). */
  readonly seen: Map<SignalKind, number>;
  transcriptStart: number | null;
  transcriptEnd: number | null;
  transcriptFooter: boolean;
  /** Whether the "start" evidence came from a line with a time (so an earlier one can replace it). */
  startEvidence: TrackedEvidence | null;
  readonly evidence: TrackedEvidence[];
  evidenceOmitted: number;
  readonly files: Set<string>;
}

const ROLE: Readonly<Record<SignalKind, EvidenceRole | null>> = {
  'worker-started': null,
  'plugin-started': null,
  'cancel-requested': 'kill',
  cancelled: 'kill',
  'stopping-pty': 'kill',
  'wait-killed': 'kill',
  exit: 'exit',
  'worker-signalled': 'kill',
  'cancellation-failed': 'note',
  'connection-lost': 'connection',
  'create-channel-failed': 'connection',
  'start-failed': 'note',
  closing: 'close',
  'worker-closed': 'close',
  mention: null,
};

const STOP_KINDS: ReadonlySet<SignalKind> = new Set([
  'cancel-requested',
  'cancelled',
  'stopping-pty',
  'wait-killed',
  'worker-signalled',
]);

interface Pending {
  readonly line: number;
  readonly text: string;
  readonly parsed: LogLine;
  readonly signal: Signal | null;
}

function minTime(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.min(a, b);
}

/**
 * A copy of `text` that holds no reference to the string it was sliced from. Lines are slices
 * of a 1 MiB decoded chunk: keeping one would keep the whole chunk alive.
 */
function own(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}

function cut(text: string): string {
  return own(text.length > MAX_EVIDENCE_TEXT ? `${text.slice(0, MAX_EVIDENCE_TEXT)}…` : text);
}

/** Accumulates sessions over any number of files. */
export class SessionTracker {
  readonly #sessions = new Map<string, SessionState>();
  #file = '';
  #current: SessionState | null = null;
  #pending: Pending[] = [];
  #pendingDropped = 0;
  #fileSessionId: string | null = null;
  #last: SessionState | null = null;

  /** Starts a file. `pathSessionId` is the id its path names (orchestration dir, `<id>.log`). */
  beginFile(file: string, pathSessionId: string | null): void {
    this.#file = file;
    this.#current = null;
    this.#pending = [];
    this.#pendingDropped = 0;
    this.#fileSessionId = pathSessionId;
  }

  /** Feeds one parsed agent log line. */
  logLine(lineNo: number, text: string, parsed: LogLine, signal: Signal | null): void {
    const id = parsed.sessionId ?? signal?.sessionId ?? null;
    if (id !== null) {
      const session = this.#session(id);
      this.#current = session;
      if (this.#pending.length > 0) this.#flushPending(session);
      this.#apply(session, lineNo, text, parsed, signal);
      return;
    }
    if (parsed.context === 'agent' || parsed.context === 'legacy' || parsed.context === 'other') return;
    if (signal === null || signal.kind === 'mention') return;
    const target =
      this.#current ?? (this.#fileSessionId !== null ? this.#session(this.#fileSessionId) : null);
    if (target !== null) {
      this.#apply(target, lineNo, text, parsed, signal);
      return;
    }
    if (this.#pending.length < MAX_PENDING) this.#pending.push({ line: lineNo, text, parsed, signal });
    else this.#pendingDropped += 1;
  }

  /** Feeds a transcript's header. */
  transcriptHeader(lineNo: number, text: string, header: TranscriptHeader): void {
    const session = this.#transcriptSession();
    session.transcriptStart = minTime(session.transcriptStart, header.time);
    this.#addEvidence(session, { line: lineNo, text, msg: text, time: header.time, role: 'transcript' });
  }

  /** Feeds a transcript's footer. */
  transcriptFooter(lineNo: number, text: string, footer: TranscriptFooter): void {
    const session = this.#transcriptSession();
    session.transcriptEnd = footer.time ?? session.transcriptEnd;
    session.transcriptFooter = true;
    this.#addEvidence(session, { line: lineNo, text, msg: text, time: footer.time, role: 'transcript' });
  }

  /** Ends the current file: lines still waiting for a session become a session without id. */
  endFile(): void {
    if (this.#pending.length > 0) {
      const session = this.#session(null);
      this.#flushPending(session);
      session.evidenceOmitted += this.#pendingDropped;
    }
    this.#current = null;
  }

  /** The sessions seen, in first-seen order. */
  sessions(): SessionState[] {
    return [...this.#sessions.values()];
  }

  /** Drops a session (after merging it into another). */
  delete(key: string): void {
    this.#sessions.delete(key);
    this.#last = null;
  }

  #transcriptSession(): SessionState {
    return this.#session(this.#fileSessionId);
  }

  #session(sliced: string | null): SessionState {
    // Hot path: consecutive lines mostly belong to the session of the line before.
    const last = this.#last;
    if (last !== null && sliced !== null && last.sessionId === sliced && last.files.has(this.#file))
      return last;
    const key = sliced ?? `file:${this.#file}`;
    let s = this.#sessions.get(key);
    if (s === undefined) {
      const id = sliced === null ? null : own(sliced);
      s = {
        key: id ?? key,
        sessionId: id,
        label: id ?? `(no id: ${this.#file})`,
        firstTime: null,
        stopAt: null,
        exitAt: null,
        exitStatus: null,
        exitSignal: null,
        exitSeen: false,
        connectionAt: null,
        closedAt: null,
        seen: new Map(),
        transcriptStart: null,
        transcriptEnd: null,
        transcriptFooter: false,
        startEvidence: null,
        evidence: [],
        evidenceOmitted: 0,
        files: new Set(),
      };
      this.#sessions.set(s.key, s);
    }
    s.files.add(this.#file);
    this.#last = s;
    return s;
  }

  #flushPending(session: SessionState): void {
    const pending = this.#pending;
    this.#pending = [];
    for (const p of pending) this.#apply(session, p.line, p.text, p.parsed, p.signal);
  }

  #apply(s: SessionState, lineNo: number, text: string, parsed: LogLine, signal: Signal | null): void {
    const time = parsed.time;
    // 1. Start: the earliest timed line, but not from errors.log (it only holds the errors).
    if (time !== null && parsed.shape !== 'errors' && (s.firstTime === null || time < s.firstTime)) {
      s.firstTime = time;
      s.startEvidence = {
        file: this.#file,
        line: lineNo,
        text: cut(text),
        msg: parsed.msg,
        time,
        role: 'start',
      };
    } else if (s.startEvidence === null && s.firstTime === null && parsed.shape !== 'errors') {
      s.startEvidence = {
        file: this.#file,
        line: lineNo,
        text: cut(text),
        msg: own(parsed.msg),
        time: null,
        role: 'start',
      };
    }
    if (signal === null) return;
    // 2. What the line says about the end.
    const kind = signal.kind;
    s.seen.set(kind, (s.seen.get(kind) ?? 0) + 1);
    if (STOP_KINDS.has(kind)) s.stopAt = minTime(s.stopAt, time);
    if (kind === 'exit' && !s.exitSeen) {
      s.exitSeen = true;
      s.exitAt = time;
      s.exitStatus = signal.exitStatus;
      s.exitSignal = signal.exitSignal;
    }
    if (kind === 'connection-lost' || kind === 'create-channel-failed') {
      s.connectionAt = minTime(s.connectionAt, time);
    }
    if (kind === 'worker-closed' || kind === 'closing') s.closedAt = minTime(s.closedAt, time);
    const role = ROLE[kind];
    if (role !== null) this.#addEvidence(s, { line: lineNo, text, msg: parsed.msg, time, role });
  }

  #addEvidence(s: SessionState, e: Omit<TrackedEvidence, 'file'>): void {
    if (s.evidence.length >= MAX_EVIDENCE - 1) {
      s.evidenceOmitted += 1;
      return;
    }
    s.evidence.push({ ...e, file: this.#file, text: cut(e.text), msg: own(e.msg) });
  }
}
