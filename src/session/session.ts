/**
 * The data-channel client: one session over a Transport, reliable in both directions.
 *
 * What it does (ssm-data-channel.md §2):
 * - sends the open-data-channel TEXT frame with the token (and a fixed ClientId), then pings;
 * - holds input and size until the session type is known: the first Output, or HandshakeComplete (§2.4);
 * - acks every stream message, re-acks duplicates, delivers in order through a reorder buffer;
 * - retransmits the oldest unacked input every 100 ms tick when now − lastSent > RTO (§2.7);
 * - honours pause/start publication; ends on channel_closed with its Output text;
 * - on a drop (read error, 1006) reconnects with a fresh token from `resume()` (ssm:ResumeSession),
 *   the same ClientId and the same sequence numbers; without `resume` it ends as connection-lost.
 *
 * Side effects come in through `deps` (clock, timers, ids, random) and `transport`.
 */
import { type Deps, type EventLevel, sleep, type TimerHandle } from '../deps.js';
import { DiagError } from '../errors.js';
import {
  type AgentMessage,
  buildAcknowledge,
  decodeAgentMessage,
  digestEquals,
  encodeAgentMessage,
  encodeHandshakeResponsePayload,
  encodeOpenDataChannel,
  encodeSizePayload,
  type FrameStamp,
  isValidationExempt,
  PayloadType,
  payloadDigest,
  ReorderBuffer,
  type SizeContent,
  STREAM_PAYLOAD_CHUNK,
} from '../protocol/index.js';
import { type HandlerPort, handleFrame } from './handlers/index.js';
import { OutputQueue } from './output-queue.js';
import { RECONNECT_RETRIES, reconnectDelays } from './reconnect-policy.js';
import { InputStream } from './sequencing.js';
import type { SessionEnd } from './session-end.js';
import {
  INITIAL_STATE,
  inputAllowed,
  type SessionEffect,
  type SessionEvent,
  type SessionState,
  transition,
} from './state.js';
import type { Transport, TransportConnection } from './transport.js';

/** What ExecuteCommand / StartSession returned. */
export interface SessionTarget {
  readonly sessionId: string;
  readonly streamUrl: string;
  readonly tokenValue: string;
}

/** What a resume (ssm:ResumeSession) gives: a fresh token; `undefined`/empty token = the session is gone. */
export interface ResumedSession {
  readonly tokenValue: string;
  readonly streamUrl?: string;
}

/** Options of {@link openSession}. */
export interface OpenSessionOptions {
  readonly transport: Transport;
  readonly deps: Deps;
  /** Gets a fresh token after a drop (the caller uses ssm:ResumeSession). Without it a drop ends the session. */
  readonly resume?: () => Promise<ResumedSession | undefined>;
  /** Aborting ends the session as `aborted`. */
  readonly signal?: AbortSignal;
  /** @default 'ecs-diag' */
  readonly clientVersion?: string;
  /** WebSocket ping period. @default 300_000 (the plugin's 5 min) */
  readonly pingIntervalMs?: number;
  /** Resends of one frame before giving up with SESSION_RESEND_TIMEOUT. @default 3000 (the plugin's ≈5 min) */
  readonly maxResendAttempts?: number;
  /** Reconnect attempts after a drop. @default 5 */
  readonly reconnectRetries?: number;
}

/** Counters, for reports and tests. */
export interface SessionStats {
  framesIn: number;
  framesOut: number;
  outputBytes: number;
  retransmits: number;
  duplicates: number;
  outOfOrder: number;
  dropped: number;
  invalidFrames: number;
  reconnects: number;
}

/** An open session. */
export interface Session {
  readonly sessionId: string;
  /** The command's output (PayloadType 1 and 11), in order. Iterate once. Ends when the session ends. */
  readonly output: AsyncIterable<Uint8Array>;
  /** Sends stdin bytes (held until input is allowed; ignored once ended). */
  write(bytes: Uint8Array | string): void;
  /** Sends the terminal size (only the latest one is held until input is allowed). */
  resize(cols: number, rows: number): void;
  /** Ends the session locally (`aborted`). */
  close(reason?: string): void;
  /** How it ended. Never rejects. */
  readonly ended: Promise<SessionEnd>;
  /** The current phase (for diagnostics). */
  readonly phase: SessionState['phase'];
  /** Counters so far. */
  readonly stats: Readonly<SessionStats>;
  /** The exit code from PayloadType 12, when the agent sent one (NonInteractiveCommands only). */
  readonly remoteExitCode: number | undefined;
}

/** The payload of the WebSocket keepalive ping. @see §2.14 */
const KEEPALIVE = new TextEncoder().encode('keepalive');
const RESEND_TICK_MS = 100;

/** Opens a session; connecting happens in the background and failures show in `ended`. */
export function openSession(target: SessionTarget, options: OpenSessionOptions): Session {
  const session = new DataChannelSession(target, options);
  session.start(target.tokenValue);
  return session;
}

class DataChannelSession implements Session {
  readonly sessionId: string;
  readonly ended: Promise<SessionEnd>;
  readonly #output = new OutputQueue();
  readonly #input = new InputStream();
  readonly #incoming = new ReorderBuffer<AgentMessage>();
  readonly #deps: Deps;
  readonly #options: OpenSessionOptions;
  readonly #clientId: string;
  readonly #clientVersion: string;
  readonly #lifetime = new AbortController();
  readonly #stats: SessionStats = {
    framesIn: 0,
    framesOut: 0,
    outputBytes: 0,
    retransmits: 0,
    duplicates: 0,
    outOfOrder: 0,
    dropped: 0,
    invalidFrames: 0,
    reconnects: 0,
  };
  #state: SessionState = INITIAL_STATE;
  #streamUrl: string;
  #conn: TransportConnection | undefined;
  #generation = 0;
  #pendingInput: Uint8Array[] = [];
  #pendingSize: SizeContent | undefined;
  #paused = false;
  #tick: TimerHandle | undefined;
  #ping: TimerHandle | undefined;
  #remoteExitCode: number | undefined;
  #resolveEnded: (end: SessionEnd) => void = () => {};
  readonly #onAbort = () => this.#dispatch({ type: 'abort', reason: 'interrupted' });
  readonly #port: HandlerPort;

  constructor(target: SessionTarget, options: OpenSessionOptions) {
    this.sessionId = target.sessionId;
    this.#streamUrl = target.streamUrl;
    this.#options = options;
    this.#deps = options.deps;
    this.#clientId = options.deps.ids.uuid();
    this.#clientVersion = options.clientVersion ?? 'ecs-diag';
    this.ended = new Promise((resolve) => {
      this.#resolveEnded = resolve;
    });
    this.#port = this.#makePort();
  }

  get output(): AsyncIterable<Uint8Array> {
    return this.#output;
  }

  get phase(): SessionState['phase'] {
    return this.#state.phase;
  }

  get stats(): Readonly<SessionStats> {
    return { ...this.#stats };
  }

  get remoteExitCode(): number | undefined {
    return this.#remoteExitCode;
  }

  start(token: string): void {
    const signal = this.#options.signal;
    if (signal?.aborted) {
      this.#dispatch({ type: 'abort', reason: 'interrupted before the session opened' });
      return;
    }
    signal?.addEventListener('abort', this.#onAbort, { once: true });
    this.#connect(this.#streamUrl, token).catch((cause: unknown) => {
      this.#dispatch({ type: 'connect-failed', error: asConnectError(cause, this.#streamUrl) });
    });
  }

  write(bytes: Uint8Array | string): void {
    if (this.#state.phase === 'ended') return;
    const data = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
    for (let at = 0; at < data.length; at += STREAM_PAYLOAD_CHUNK) {
      const chunk = data.slice(at, at + STREAM_PAYLOAD_CHUNK);
      if (inputAllowed(this.#state)) this.#sendStream(PayloadType.Output, chunk);
      else this.#pendingInput.push(chunk);
    }
  }

  resize(cols: number, rows: number): void {
    if (this.#state.phase === 'ended') return;
    const size = { cols: Math.max(0, Math.trunc(cols)), rows: Math.max(0, Math.trunc(rows)) };
    if (inputAllowed(this.#state)) this.#sendStream(PayloadType.Size, encodeSizePayload(size));
    else this.#pendingSize = size;
  }

  close(reason = 'closed locally'): void {
    this.#dispatch({ type: 'abort', reason });
  }

  // --- connection -------------------------------------------------------------------------

  /** 1. dial, 2. send the open frame, 3. enter the phase, 4. listen (adapters buffer until then). */
  async #connect(url: string, token: string): Promise<void> {
    const conn = await this.#options.transport.connect(url, { signal: this.#lifetime.signal });
    if (this.#state.phase === 'ended') {
      conn.terminate();
      return;
    }
    const generation = ++this.#generation;
    this.#conn = conn;
    conn.sendText(
      encodeOpenDataChannel({
        requestId: this.#deps.ids.uuid(),
        tokenValue: token,
        clientId: this.#clientId,
        clientVersion: this.#clientVersion,
      }),
    );
    this.#startPing(conn, generation);
    this.#dispatch({ type: 'connected' });
    conn.onMessage((data) => {
      if (generation === this.#generation) this.#onData(data);
    });
    conn.onClose((code, reason) => {
      if (generation === this.#generation) this.#onDrop(code, reason);
    });
  }

  #onDrop(code: number, reason: string): void {
    this.#generation++;
    this.#conn = undefined;
    this.#stopPing();
    this.#note('debug', 'SES_D0101', `WebSocket closed with code ${code}`, { code, reason });
    this.#dispatch({ type: 'dropped', code, reason, canResume: this.#options.resume !== undefined });
  }

  async #reconnect(): Promise<void> {
    const resume = this.#options.resume;
    if (!resume) return;
    let lastError = 'no attempt made';
    const delays = reconnectDelays(this.#deps.random, this.#options.reconnectRetries ?? RECONNECT_RETRIES);
    for (const [attempt, delay] of delays.entries()) {
      try {
        await sleep(this.#deps.clock, delay, this.#lifetime.signal);
      } catch {
        return;
      }
      if (this.#state.phase !== 'reconnecting') return;
      this.#note('info', 'SES_I0102', `reconnecting (attempt ${attempt + 1} of ${delays.length})`);
      let resumed: ResumedSession | undefined;
      try {
        resumed = await resume();
      } catch (cause) {
        lastError = `ResumeSession failed: ${errorText(cause)}`;
        continue;
      }
      if (this.#state.phase !== 'reconnecting') return;
      if (!resumed?.tokenValue) {
        this.#dispatch({
          type: 'resume-failed',
          reason: 'ResumeSession returned no token: the session is gone (timed out or terminated)',
        });
        return;
      }
      if (resumed.streamUrl) this.#streamUrl = resumed.streamUrl;
      try {
        await this.#connect(this.#streamUrl, resumed.tokenValue);
        this.#stats.reconnects++;
        return;
      } catch (cause) {
        lastError = `reconnect failed: ${errorText(cause)}`;
      }
    }
    this.#dispatch({
      type: 'resume-failed',
      reason: `the WebSocket dropped and ${delays.length} reconnect attempts failed (last: ${lastError})`,
    });
  }

  #startPing(conn: TransportConnection, generation: number): void {
    this.#stopPing();
    const period = this.#options.pingIntervalMs ?? 300_000;
    const beat = () => {
      if (generation !== this.#generation) return;
      conn.ping(KEEPALIVE);
      this.#ping = this.#deps.clock.setTimeout(beat, period);
    };
    beat();
  }

  #stopPing(): void {
    if (this.#ping !== undefined) this.#deps.clock.clearTimeout(this.#ping);
    this.#ping = undefined;
  }

  // --- receive ----------------------------------------------------------------------------

  /** Decodes, validates like the plugin (§1.5) and routes one frame. Bad frames are dropped. */
  #onData(data: Uint8Array): void {
    this.#stats.framesIn++;
    const decoded = decodeAgentMessage(data);
    if (!decoded.ok) {
      this.#stats.invalidFrames++;
      this.#note('warn', 'SES_W0103', `undecodable frame dropped (${decoded.error.code})`);
      return;
    }
    const message = decoded.message;
    if (!isValidationExempt(message.messageType)) {
      const badDigest =
        message.payload.length > 0 && !digestEquals(message.payloadDigest, payloadDigest(message.payload));
      if (badDigest || message.createdDate === 0) {
        this.#stats.invalidFrames++;
        this.#note(
          'warn',
          'SES_W0104',
          `invalid ${message.messageType} frame dropped (${badDigest ? 'digest' : 'date'})`,
          {
            seq: message.sequenceNumber.toString(),
          },
        );
        return;
      }
    }
    handleFrame(message, this.#port);
  }

  #makePort(): HandlerPort {
    return {
      incoming: this.#incoming,
      clientVersion: this.#clientVersion,
      ack: (message) => {
        this.#transmit(encodeAgentMessage(buildAcknowledge(message, this.#stamp())));
      },
      acknowledged: (seq) => {
        this.#input.acknowledge(seq, this.#deps.clock.now());
        if (this.#input.unackedCount === 0) this.#stopTick();
      },
      emitOutput: (bytes) => {
        this.#stats.outputBytes += bytes.length;
        this.#output.push(bytes);
      },
      sendHandshakeResponse: (response) => {
        this.#sendStream(PayloadType.HandshakeResponse, encodeHandshakeResponsePayload(response));
      },
      setRemoteExitCode: (code) => {
        this.#remoteExitCode = code;
      },
      setPaused: (paused) => this.#setPaused(paused),
      dispatch: (event) => this.#dispatch(event),
      note: (level, code, message, data) => this.#note(level, code, message, data),
      count: (stat) => {
        this.#stats[stat]++;
      },
    };
  }

  // --- send -------------------------------------------------------------------------------

  #stamp(): FrameStamp {
    return { messageId: this.#deps.ids.uuid(), createdDate: this.#deps.clock.now() };
  }

  #transmit(frame: Uint8Array): void {
    if (!this.#conn) return;
    this.#stats.framesOut++;
    this.#conn.sendBinary(frame);
  }

  #sendStream(payloadType: number, payload: Uint8Array): void {
    const canSend = this.#conn !== undefined && !this.#paused;
    const frame = this.#input.enqueue(payloadType, payload, this.#stamp(), canSend);
    if (frame) this.#transmit(frame);
    this.#ensureTick();
  }

  #transmitUnsent(): void {
    if (!this.#conn || this.#paused) return;
    for (const frame of this.#input.takeUnsent(this.#deps.clock.now())) this.#transmit(frame);
    this.#ensureTick();
  }

  #setPaused(paused: boolean): void {
    if (paused === this.#paused) return;
    this.#paused = paused;
    this.#note('debug', 'SES_D0105', paused ? 'publication paused' : 'publication resumed');
    if (!paused) this.#transmitUnsent();
  }

  #ensureTick(): void {
    if (this.#tick !== undefined || this.#input.unackedCount === 0 || this.#state.phase === 'ended') return;
    this.#tick = this.#deps.clock.setTimeout(() => this.#onTick(), RESEND_TICK_MS);
  }

  #stopTick(): void {
    if (this.#tick !== undefined) this.#deps.clock.clearTimeout(this.#tick);
    this.#tick = undefined;
  }

  /** Every 100 ms: resend the oldest unacked frame if its RTO has passed (§2.7). */
  #onTick(): void {
    this.#tick = undefined;
    if (this.#state.phase === 'ended') return;
    if (this.#conn && !this.#paused) {
      const now = this.#deps.clock.now();
      const due = this.#input.due(now);
      if (due) {
        if (due.resends >= (this.#options.maxResendAttempts ?? 3000)) {
          this.#dispatch({
            type: 'fail',
            error: new DiagError(
              'SESSION_RESEND_TIMEOUT',
              `input message ${due.seq} was resent ${due.resends} times without an ack; giving up`,
            ),
          });
          return;
        }
        this.#stats.retransmits++;
        this.#transmit(due.frame);
        this.#input.markResent(due.seq, now);
      }
    }
    this.#ensureTick();
  }

  // --- state ------------------------------------------------------------------------------

  #dispatch(event: SessionEvent): void {
    const { state, effects } = transition(this.#state, event);
    this.#state = state;
    for (const effect of effects) this.#run(effect);
  }

  #run(effect: SessionEffect): void {
    switch (effect.type) {
      case 'flush-input': {
        const size = this.#pendingSize;
        const input = this.#pendingInput;
        this.#pendingSize = undefined;
        this.#pendingInput = [];
        if (size) this.#sendStream(PayloadType.Size, encodeSizePayload(size));
        for (const chunk of input) this.#sendStream(PayloadType.Output, chunk);
        return;
      }
      case 'transmit-unsent':
        this.#transmitUnsent();
        return;
      case 'reconnect':
        void this.#reconnect();
        return;
      case 'finish':
        this.#finish(effect.end);
        return;
    }
  }

  #finish(end: SessionEnd): void {
    this.#stopTick();
    this.#stopPing();
    this.#lifetime.abort();
    this.#options.signal?.removeEventListener('abort', this.#onAbort);
    const conn = this.#conn;
    this.#conn = undefined;
    this.#generation++;
    // After channel_closed the service drops the socket anyway; the Go sides never send a close
    // frame (§2.16). A local end closes cleanly so frames already queued (a HandshakeResponse
    // refusing KMS) still go out.
    if (end.kind === 'completed' || end.kind === 'closed-by-service') conn?.terminate();
    else conn?.close(1000, end.kind);
    this.#output.end();
    this.#note('debug', 'SES_D0106', `session ended: ${end.kind}`, { end: end.kind });
    this.#resolveEnded(end);
  }

  #note(level: EventLevel, code: string, message: string, data?: Record<string, unknown>): void {
    this.#deps.log.emit({
      time: this.#deps.clock.now(),
      level,
      code,
      message,
      data: { sessionId: this.sessionId, ...data },
    });
  }
}

function errorText(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}

function asConnectError(cause: unknown, url: string): DiagError {
  if (cause instanceof DiagError) return cause;
  return new DiagError(
    'SESSION_CONNECT_FAILED',
    `cannot open the data channel at ${redactUrl(url)}: ${errorText(cause)}`,
    {
      cause,
    },
  );
}

/** The URL without its query (it may carry credentials on some endpoints). */
function redactUrl(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : `${url.slice(0, q)}?…`;
}
