/**
 * One session's data channel as the agent side runs it (§2.6–2.9, §2.11, §2.12): sequencing and
 * retransmission of the agent's output, in-order delivery and acks of client input, pause while
 * no client is attached, and the end of the session.
 *
 *                 attach (valid token)                 agent ended: drain ≤ 2 s
 *   openChannel ─► open ◄──────────────► (client)     ─────────────────────────► draining
 *                   │       detach (socket gone)                                   │
 *                   │ closeChannel(output)                        drained/deadline │
 *                   ▼                                                              ▼
 *                 closed ◄──────────────────── channel_closed '' ◄─────────────────┘
 *
 * While no client is attached the agent is paused (its pump stops reading the pty) and output
 * already read stays queued; on attach it drains through the one-at-a-time resend path, as the
 * real agent's does after `start_publication`.
 */
import type { Deps, TimerHandle } from '../../deps.js';
import {
  type AgentMessage,
  decodeAcknowledgePayload,
  decodeAgentMessage,
  decodeSizePayload,
  digestEquals,
  isValidationExempt,
  MessageType,
  OutgoingBuffer,
  PayloadType,
  payloadDigest,
  RESEND_TICK_MS,
  ReorderBuffer,
} from '../../protocol/index.js';
import type { AgentSessionEnd, AgentSessionHandle, GatewayEvents } from '../contracts.js';
import type { ClientConnection } from './client-connection.js';
import type { FrameFactory } from './frame-factory.js';

/** The agent's outgoing and incoming buffer capacity (100 000 messages). @see §2.8 */
export const AGENT_BUFFER_CAPACITY = 100_000;

/** How long the agent waits for its outgoing buffer to drain at the end (PrepareToCloseChannel). @see §2.12 */
export const DRAIN_MAX_MS = 2000;

/**
 * When client input starts being accepted (acked and delivered).
 * - `open`: at once. The real agent rejects input only until its pty exists
 *   (`ErrHandlerNotReady` while `stdin`/`stdout` are nil), and `AgentHost.startSession` hands the
 *   gateway a session whose pty already exists.
 * - `first-output`: only after the agent's first output chunk (a stricter reading, for tests of
 *   client retransmission).
 */
export type InputReadiness = 'open' | 'first-output';

/** What a channel needs from its gateway. */
export interface ChannelContext {
  readonly deps: Deps;
  readonly events: GatewayEvents;
  readonly frames: FrameFactory;
  readonly strictDigest: boolean;
  readonly inputReadiness: InputReadiness;
  /** Called once when the channel has closed (the gateway forgets it). */
  readonly onClosed: (channel: Channel) => void;
}

/** A snapshot of a channel's sequencing state (tests, diagnostics). */
export interface ChannelSnapshot {
  readonly sessionId: string;
  readonly state: 'open' | 'draining' | 'closed';
  readonly attached: boolean;
  /** Sequence number the next output message gets. */
  readonly nextOutputSeq: bigint;
  /** Sequence number of the next client input to deliver. */
  readonly expectedInputSeq: bigint;
  readonly unackedOutput: number;
  readonly bufferedInput: number;
  readonly rtoMs: number;
  readonly inputReady: boolean;
}

/** One session's channel. */
export class Channel {
  readonly sessionId: string;
  readonly #agent: AgentSessionHandle;
  readonly #ctx: ChannelContext;
  readonly #tokens = new Set<string>();
  readonly #out = new OutgoingBuffer<Uint8Array>({ capacity: AGENT_BUFFER_CAPACITY, overflow: 'reject-new' });
  readonly #in = new ReorderBuffer<AgentMessage>({ capacity: AGENT_BUFFER_CAPACITY });
  /** Output queued while no client was attached and not sent yet (see #clientOnAck). */
  readonly #unsent = new Set<bigint>();
  #nextSeq = 0n;
  #state: 'open' | 'draining' | 'closed' = 'open';
  #client: ClientConnection | undefined;
  #inputReady: boolean;
  #tick: TimerHandle | undefined;
  #drainTimer: TimerHandle | undefined;
  #end: AgentSessionEnd | undefined;

  constructor(sessionId: string, agent: AgentSessionHandle, token: string, ctx: ChannelContext) {
    this.sessionId = sessionId;
    this.#agent = agent;
    this.#ctx = ctx;
    this.#tokens.add(token);
    this.#inputReady = ctx.inputReadiness === 'open';
    // No pause before the first client: a session nobody ever attaches to keeps reading its pty,
    // so a command that exits at once (`nohup … &`) ends at once, as in the field (fixtures README:
    // "the session itself ended at once"). Output read meanwhile waits in the outgoing buffer.
    agent.onOutput((chunk) => this.#agentOnOutput(chunk));
    agent.ended.then(
      (end) => this.#agentOnEnded(end),
      (err: unknown) => this.#agentOnEnded({ kind: 'failed', error: String(err) }),
    );
  }

  /** Adds a token (ResumeSession). Every token stays valid until the channel closes. */
  addToken(token: string): void {
    this.#tokens.add(token);
  }

  /** True for a token issued for this session (ExecuteCommand or ResumeSession). */
  hasToken(token: string): boolean {
    return this.#tokens.has(token);
  }

  /** True while a client is attached. */
  get attached(): boolean {
    return this.#client !== undefined;
  }

  /** True once channel_closed has been sent (or the channel closed without a client). */
  get closed(): boolean {
    return this.#state === 'closed';
  }

  /** The sequencing state, for tests and diagnostics. */
  snapshot(): ChannelSnapshot {
    return {
      sessionId: this.sessionId,
      state: this.#state,
      attached: this.attached,
      nextOutputSeq: this.#nextSeq,
      expectedInputSeq: this.#in.expectedSeq,
      unackedOutput: this.#out.size,
      bufferedInput: this.#in.buffered,
      rtoMs: this.#out.estimate.rtoMs,
      inputReady: this.#inputReady,
    };
  }

  /** Attaches a client: start_publication toward the agent. False when one is already attached. */
  attach(client: ClientConnection): boolean {
    if (this.#client !== undefined || this.#state === 'closed') return false;
    this.#client = client;
    this.#ctx.events.onClientTraffic(this.sessionId, 'attach');
    if (this.#state === 'open') this.#agent.setPaused(false);
    this.#scheduleTick();
    return true;
  }

  /** The client's socket is gone: pause_publication toward the agent. */
  detach(client: ClientConnection): void {
    if (this.#client !== client) return;
    this.#client = undefined;
    this.#stopTick();
    if (this.#state === 'closed') return;
    if (this.#state === 'open') this.#agent.setPaused(true);
    this.#ctx.events.onClientDetached(this.sessionId);
  }

  /** Sends channel_closed with `output` to the attached client, drops it, and closes the channel. */
  close(output: string): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#stopTick();
    if (this.#drainTimer !== undefined) this.#ctx.deps.clock.clearTimeout(this.#drainTimer);
    const client = this.#client;
    this.#client = undefined;
    client?.sendFinal(this.#ctx.frames.channelClosed(this.sessionId, output));
    this.#ctx.onClosed(this);
  }

  /** One frame from the attached client (already through the inbound faults). */
  clientOnFrame(bytes: Uint8Array): void {
    if (this.#state === 'closed') return;
    const decoded = decodeAgentMessage(bytes);
    if (!decoded.ok) {
      this.#log('debug', 'EMU_I0803', `dropped an undecodable frame: ${decoded.error.code}`, {
        error: decoded.error.code,
      });
      return;
    }
    const msg = decoded.message;
    const invalid = this.#invalidReason(msg);
    if (invalid !== undefined) {
      this.#log('debug', 'EMU_I0803', `dropped an invalid ${msg.messageType} frame: ${invalid}`, {
        messageType: msg.messageType,
        reason: invalid,
      });
      return;
    }
    switch (msg.messageType) {
      case MessageType.InputStreamData:
        this.#clientOnInput(msg);
        return;
      case MessageType.Acknowledge:
        this.#clientOnAck(msg);
        return;
      default:
        // Other types from a client have no meaning to the agent; dropped.
        return;
    }
  }

  /**
   * Why the agent would drop this frame: its own `Validate()` (CreatedDate ≠ 0), plus the
   * plugin's digest check in strict mode (§1.5).
   */
  #invalidReason(msg: AgentMessage): string | undefined {
    if (msg.createdDate === 0) return 'CreatedDate is 0';
    if (
      this.#ctx.strictDigest &&
      msg.payload.length !== 0 &&
      !isValidationExempt(msg.messageType) &&
      !digestEquals(msg.payloadDigest, payloadDigest(msg.payload))
    ) {
      return 'payload digest mismatch';
    }
    return undefined;
  }

  /**
   * 1. Not ready (no pty): neither ack nor deliver; the client retransmits (§2.6).
   * 2. In order: deliver it and any buffered successors, then ack it.
   * 3. Ahead: buffer and ack it (no ack when the buffer is full).
   * 4. Behind (duplicate): re-ack it.
   */
  #clientOnInput(msg: AgentMessage): void {
    if (msg.payloadType === PayloadType.Output) this.#ctx.events.onClientTraffic(this.sessionId, 'input');
    else if (msg.payloadType === PayloadType.Size) this.#ctx.events.onClientTraffic(this.sessionId, 'size');
    if (!this.#inputReady) return;
    const outcome = this.#in.offer(msg.sequenceNumber, msg);
    switch (outcome.kind) {
      case 'deliver':
        for (const m of outcome.items) this.#deliver(m);
        this.#ack(msg);
        return;
      case 'buffered':
      case 'duplicate':
        this.#ack(msg);
        return;
      case 'full':
        return;
    }
  }

  #deliver(msg: AgentMessage): void {
    try {
      if (msg.payloadType === PayloadType.Output) {
        this.#agent.write(msg.payload);
      } else if (msg.payloadType === PayloadType.Size) {
        const size = decodeSizePayload(msg.payload);
        if (size.ok) this.#agent.resize(size.value.cols, size.value.rows);
        else this.#log('debug', 'EMU_I0803', `ignored a bad size payload: ${size.error.code}`, {});
      }
      // Other payload types (handshake replies, flags) mean nothing to an interactive command.
    } catch (err) {
      this.#log('debug', 'EMU_I0804', `the agent refused input: ${String(err)}`, {});
    }
  }

  #ack(msg: AgentMessage): void {
    this.#client?.send(this.#ctx.frames.ack(msg));
  }

  /**
   * Acks are matched by sequence number only (§2.6). Note: emulator guard. An ack of a message
   * never sent yet is ignored: `ssm-session` acks every frame it gets, acks and channel_closed
   * included, with their seq 0, which would otherwise discard queued output seq 0 unseen.
   */
  #clientOnAck(msg: AgentMessage): void {
    this.#ctx.events.onClientTraffic(this.sessionId, 'ack');
    const ack = decodeAcknowledgePayload(msg.payload);
    if (!ack.ok) return;
    const seq = ack.value.acknowledgedMessageSequenceNumber;
    if (this.#unsent.has(seq)) return;
    this.#out.ack(seq, this.#ctx.deps.clock.now());
    if (this.#state === 'draining') this.#finishDrainIfDone();
  }

  #agentOnOutput(chunk: Uint8Array): void {
    if (this.#state === 'closed' || chunk.length === 0) return;
    this.#inputReady = true;
    const seq = this.#nextSeq++;
    const frame = this.#ctx.frames.output(seq, chunk);
    const kept = this.#out.add(seq, frame, this.#ctx.deps.clock.now());
    // Attached: sent at once. Not attached (paused): queued, drained by the resend tick later.
    // A full buffer keeps nothing: the message is sent once if it can be, never retransmitted.
    if (this.#client !== undefined) this.#client.send(frame);
    else if (kept) this.#unsent.add(seq);
    if (kept) this.#scheduleTick();
  }

  #agentOnEnded(end: AgentSessionEnd): void {
    if (this.#state !== 'open') return;
    this.#state = 'draining';
    this.#end = end;
    this.#drainTimer = this.#ctx.deps.clock.setTimeout(() => this.close(''), DRAIN_MAX_MS);
    this.#finishDrainIfDone();
  }

  /**
   * A normal end closes as soon as every output message is acked. A cancel waits out the whole
   * drain window so that the service model's own closeChannel (with its reason) wins the race.
   */
  #finishDrainIfDone(): void {
    if (this.#end?.kind === 'cancelled') return;
    if (this.#out.size === 0) this.close('');
  }

  #scheduleTick(): void {
    if (this.#tick !== undefined || this.#client === undefined || this.#out.size === 0) return;
    this.#tick = this.#ctx.deps.clock.setTimeout(() => this.#onTick(), RESEND_TICK_MS);
  }

  #stopTick(): void {
    if (this.#tick === undefined) return;
    this.#ctx.deps.clock.clearTimeout(this.#tick);
    this.#tick = undefined;
  }

  /** Every 100 ms: resend only the oldest unacked message, if its RTO has passed (§2.7). */
  #onTick(): void {
    this.#tick = undefined;
    if (this.#client === undefined) return;
    const now = this.#ctx.deps.clock.now();
    const due = this.#out.due(now);
    if (due !== undefined) {
      this.#unsent.delete(due.seq);
      this.#client.send(due.item);
      this.#out.markResent(due.seq, now);
    }
    this.#scheduleTick();
  }

  #log(level: 'debug' | 'info' | 'warn', code: string, message: string, data: Record<string, unknown>): void {
    this.#ctx.deps.log.emit({
      time: this.#ctx.deps.clock.now(),
      level,
      code,
      message: `${this.sessionId}: ${message}`,
      data: { sessionId: this.sessionId, ...data },
    });
  }
}
