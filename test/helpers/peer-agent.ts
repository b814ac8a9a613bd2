/**
 * An in-test "MGS + agent" peer built on src/protocol: it authenticates the open-data-channel
 * frame, runs the optional handshake, sends output as sequenced output_stream_data with
 * retransmission (oldest first, RTO), acks and reorders input, and ends with channel_closed and a
 * dropped socket (1006), as the real service does (§2.12, §2.16).
 *
 * Faults are decided per frame by the test: drop, duplicate, reorder, drop the connection after
 * N frames, withhold acks. The link (in-memory or a real WebSocket) is a {@link PeerLink}.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import type { Clock, Ids, TimerHandle } from '../../src/deps.js';
import {
  ActionType,
  type AgentMessage,
  buildAcknowledge,
  buildControlMessage,
  buildOutputStreamMessage,
  decodeAcknowledgePayload,
  decodeAgentMessage,
  decodeHandshakeResponsePayload,
  decodeOpenDataChannel,
  decodeSizePayload,
  encodeAgentMessage,
  encodeChannelClosedPayload,
  encodeHandshakeCompletePayload,
  encodeHandshakeRequestPayload,
  type FrameStamp,
  MessageType,
  type OpenDataChannelContent,
  OutgoingBuffer,
  PayloadType,
  ReorderBuffer,
  type SizeContent,
  STREAM_PAYLOAD_CHUNK,
} from '../../src/protocol/index.js';

/** The server side of one connection. */
export interface PeerLink {
  sendBinary(bytes: Uint8Array): void;
  /** Drops the connection without a close frame (the client sees 1006), after pending sends. */
  drop(): void;
  onMessage(cb: (data: Uint8Array, isText: boolean) => void): void;
  onClose(cb: () => void): void;
}

/** Per-frame fault decisions. */
export interface PeerFaults {
  /** Drop this transmission of output `seq` (`attempt` 0 = the first send). */
  drop?(seq: bigint, attempt: number): boolean;
  /** Send this output frame twice. */
  duplicate?(seq: bigint): boolean;
  /** Hold this output frame back and send it after the next one. */
  reorder?(seq: bigint): boolean;
  /** Drop the connection (1006) once this many output frames were sent on it; once per entry. */
  dropConnectionAfter?: number[];
  /** Do not ack this arrival of input `seq` (`arrival` 0 = first). */
  withholdAck?(seq: bigint, arrival: number): boolean;
}

/** Options of {@link PeerAgent}. */
export interface PeerAgentOptions {
  readonly clock: Clock;
  readonly ids: Ids;
  readonly sessionId?: string;
  /** Tokens that open the channel; each works once. */
  readonly tokens: readonly string[];
  /** @default 'none' (InteractiveCommands without KMS) */
  readonly handshake?: 'none' | 'interactive' | 'kms';
  readonly faults?: PeerFaults;
  /** Stop retransmitting (bench). @default false */
  readonly noResend?: boolean;
}

/** The peer. */
export class PeerAgent {
  /** Input bytes (PayloadType 1) in delivery order. */
  readonly input: Uint8Array[] = [];
  readonly sizes: SizeContent[] = [];
  readonly opens: OpenDataChannelContent[] = [];
  /** Frames from the client that failed strict decoding (must stay empty). */
  readonly invalid: string[] = [];
  /** Every input stream message in arrival order (payload type, seq). */
  readonly arrivals: Array<{ seq: bigint; payloadType: number }> = [];
  readonly handshakeResponses: unknown[] = [];
  readonly stats = { framesSent: 0, retransmits: 0, droppedByFault: 0, acksReceived: 0, connections: 0 };
  readonly #o: PeerAgentOptions;
  readonly #tokens: Set<string>;
  readonly #out = new OutgoingBuffer<Uint8Array>({ capacity: 1_000_000, overflow: 'reject-new' });
  readonly #in = new ReorderBuffer<AgentMessage>();
  readonly #attempts = new Map<bigint, number>();
  readonly #arrivalCount = new Map<bigint, number>();
  #nextSeq = 0n;
  #link: PeerLink | undefined;
  #ready: boolean;
  #pendingOutput: Uint8Array[] = [];
  #held: Uint8Array | undefined;
  #sentOnLink = 0;
  #dropPoints: number[];
  #tick: TimerHandle | undefined;
  #closing: string | undefined;
  #closed = false;
  #inputListeners: Array<(bytes: Uint8Array) => void> = [];

  constructor(options: PeerAgentOptions) {
    this.#o = options;
    this.#tokens = new Set(options.tokens);
    this.#ready = (options.handshake ?? 'none') === 'none';
    this.#dropPoints = [...(options.faults?.dropConnectionAfter ?? [])];
  }

  /** All input bytes so far. */
  get inputBytes(): Uint8Array {
    return Buffer.concat(this.input);
  }

  /** Output frames not yet acked. */
  get unacked(): number {
    return this.#out.size;
  }

  /** Whether the channel was closed. */
  get closed(): boolean {
    return this.#closed;
  }

  /** The link currently attached, if any. */
  get attached(): boolean {
    return this.#link !== undefined;
  }

  /** Makes `token` valid once (ResumeSession). */
  addToken(token: string): void {
    this.#tokens.add(token);
  }

  /** Calls `cb` with each in-order input chunk. */
  onInput(cb: (bytes: Uint8Array) => void): void {
    this.#inputListeners.push(cb);
  }

  /** A new connection from the client. */
  attach(link: PeerLink): void {
    let opened = false;
    link.onClose(() => {
      if (this.#link === link) this.#link = undefined;
    });
    link.onMessage((data, isText) => {
      if (!opened) {
        if (!isText) return;
        const open = decodeOpenDataChannel(new TextDecoder().decode(data));
        if (!open.ok || !this.#tokens.delete(open.value.tokenValue)) {
          link.drop();
          return;
        }
        opened = true;
        this.opens.push(open.value);
        this.#onAttached(link);
        return;
      }
      if (this.#link === link) this.#onFrame(data);
    });
  }

  /** Queues output (chunked like the agent's pty reads). */
  sendOutput(data: Uint8Array | string): void {
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    for (let at = 0; at < bytes.length; at += STREAM_PAYLOAD_CHUNK) {
      const chunk = bytes.slice(at, at + STREAM_PAYLOAD_CHUNK);
      if (this.#ready) this.#sendStream(PayloadType.Output, chunk);
      else this.#pendingOutput.push(chunk);
    }
  }

  /** Sends a stream message of any payload type now (tests of odd payloads). */
  sendStream(payloadType: number, payload: Uint8Array): void {
    this.#sendStream(payloadType, payload);
  }

  /** Sends a raw frame to the attached client (bypassing sequencing). */
  sendRaw(frame: Uint8Array): void {
    this.#link?.sendBinary(frame);
  }

  /** Sends pause_publication / start_publication. */
  publication(paused: boolean): void {
    const type = paused ? MessageType.PausePublication : MessageType.StartPublication;
    this.#link?.sendBinary(encodeAgentMessage(buildControlMessage(type, new Uint8Array(), this.#stamp())));
  }

  /** Once every output frame is acked, sends channel_closed with `output` and drops the socket. */
  endWhenDrained(output = ''): void {
    this.#closing = output;
    this.#maybeClose();
  }

  /** Sends channel_closed with `output` now and drops the socket (idle timeout, terminate). */
  closeChannel(output: string): void {
    this.#closed = true;
    this.#stopTick();
    const link = this.#link;
    if (!link) return;
    const payload = encodeChannelClosedPayload({
      messageId: this.#o.ids.uuid(),
      createdDate: new Date(this.#o.clock.now()).toISOString(),
      destinationId: 'ecs:cluster_task_runtime',
      sessionId: this.#o.sessionId ?? 'ecs-execute-command-test',
      schemaVersion: 1,
      output,
    });
    link.sendBinary(
      encodeAgentMessage(buildControlMessage(MessageType.ChannelClosed, payload, this.#stamp())),
    );
    this.#link = undefined;
    link.drop();
  }

  /** Drops the current connection (1006) without closing the channel. */
  dropConnection(): void {
    const link = this.#link;
    this.#link = undefined;
    link?.drop();
  }

  /** Stops timers (end of test). */
  dispose(): void {
    this.#closed = true;
    this.#stopTick();
  }

  // --- internals ----------------------------------------------------------------------------

  #stamp(): FrameStamp {
    return { messageId: this.#o.ids.uuid(), createdDate: this.#o.clock.now() };
  }

  #onAttached(link: PeerLink): void {
    this.#link = link;
    this.#sentOnLink = 0;
    this.stats.connections++;
    if (this.stats.connections === 1 && !this.#ready) {
      const kms = this.#o.handshake === 'kms';
      this.#sendStream(
        PayloadType.HandshakeRequest,
        encodeHandshakeRequestPayload({
          agentVersion: '3.3.1142.0',
          requestedClientActions: [
            {
              actionType: ActionType.SessionType,
              actionParameters: { SessionType: 'InteractiveCommands', Properties: null },
            },
            ...(kms
              ? [
                  {
                    actionType: ActionType.KMSEncryption,
                    actionParameters: {
                      KMSKeyId: 'arn:aws:kms:us-east-1:123456789012:key/k',
                      Challenge: 'AAAA',
                    },
                  },
                ]
              : []),
          ],
        }),
      );
      return;
    }
    // Resend everything unacked on the new connection, oldest first.
    for (let seq = 0n; seq < this.#nextSeq; seq++) {
      const frame = this.#out.get(seq);
      if (frame) {
        this.#transmit(seq, frame.item);
        this.#out.markResent(seq, this.#o.clock.now());
      }
      if (this.#link !== link) return;
    }
    this.#flushHeld();
  }

  #sendStream(payloadType: number, payload: Uint8Array): void {
    const seq = this.#nextSeq++;
    const frame = encodeAgentMessage(buildOutputStreamMessage(seq, payloadType, payload, this.#stamp()));
    this.#out.add(seq, frame, this.#o.clock.now());
    this.#transmit(seq, frame);
    this.#ensureTick();
  }

  #transmit(seq: bigint, frame: Uint8Array): void {
    const link = this.#link;
    if (!link) return;
    const attempt = this.#attempts.get(seq) ?? 0;
    this.#attempts.set(seq, attempt + 1);
    if (attempt > 0) this.stats.retransmits++;
    const f = this.#o.faults;
    if (f?.drop?.(seq, attempt)) {
      this.stats.droppedByFault++;
    } else if (attempt === 0 && f?.reorder?.(seq) && this.#held === undefined) {
      this.#held = frame;
    } else {
      this.#send(link, frame);
      if (attempt === 0 && f?.duplicate?.(seq)) this.#send(link, frame);
      this.#flushHeld();
    }
    this.#sentOnLink++;
    if (this.#dropPoints[0] !== undefined && this.#sentOnLink >= this.#dropPoints[0]) {
      this.#dropPoints.shift();
      this.#flushHeld();
      this.dropConnection();
    }
  }

  #flushHeld(): void {
    const held = this.#held;
    this.#held = undefined;
    if (held && this.#link) this.#send(this.#link, held);
  }

  #send(link: PeerLink, frame: Uint8Array): void {
    this.stats.framesSent++;
    link.sendBinary(frame);
  }

  #onFrame(data: Uint8Array): void {
    const decoded = decodeAgentMessage(data, { strict: true });
    if (!decoded.ok) {
      this.invalid.push(decoded.error.code);
      return;
    }
    const m = decoded.message;
    if (m.messageType === MessageType.Acknowledge) {
      const ack = decodeAcknowledgePayload(m.payload);
      if (!ack.ok) {
        this.invalid.push(ack.error.code);
        return;
      }
      if (m.flags !== 3n || m.sequenceNumber !== 0n || m.payloadType !== 0) this.invalid.push('ACK_HEADER');
      this.stats.acksReceived++;
      this.#out.ack(ack.value.acknowledgedMessageSequenceNumber, this.#o.clock.now());
      this.#maybeClose();
      return;
    }
    if (m.messageType !== MessageType.InputStreamData) {
      this.invalid.push(`TYPE:${m.messageType}`);
      return;
    }
    if (m.flags !== 0n) this.invalid.push('INPUT_FLAGS');
    this.arrivals.push({ seq: m.sequenceNumber, payloadType: m.payloadType });
    const arrival = this.#arrivalCount.get(m.sequenceNumber) ?? 0;
    this.#arrivalCount.set(m.sequenceNumber, arrival + 1);
    if (this.#o.faults?.withholdAck?.(m.sequenceNumber, arrival)) return;
    const outcome = this.#in.offer(m.sequenceNumber, m);
    if (outcome.kind !== 'full') this.#ack(m);
    if (outcome.kind === 'deliver') for (const item of outcome.items) this.#deliver(item);
  }

  #ack(m: AgentMessage): void {
    this.#link?.sendBinary(encodeAgentMessage(buildAcknowledge(m, this.#stamp())));
  }

  #deliver(m: AgentMessage): void {
    switch (m.payloadType) {
      case PayloadType.Output:
        if (!this.#ready) return; // before the handshake completes the agent acks and discards (§2.3)
        this.input.push(m.payload);
        for (const cb of this.#inputListeners) cb(m.payload);
        return;
      case PayloadType.Size: {
        const size = decodeSizePayload(m.payload);
        if (size.ok && this.#ready) this.sizes.push(size.value);
        return;
      }
      case PayloadType.HandshakeResponse: {
        const r = decodeHandshakeResponsePayload(m.payload);
        if (!r.ok) {
          this.invalid.push(r.error.code);
          return;
        }
        this.handshakeResponses.push(r.value);
        if (r.value.processedClientActions.some((a) => a.actionStatus !== 1)) {
          this.closeChannel('Handshake failed: the client did not accept every requested action');
          return;
        }
        this.#sendStream(
          PayloadType.HandshakeComplete,
          encodeHandshakeCompletePayload({ handshakeTimeToComplete: 1_000_000, customerMessage: '' }),
        );
        this.#ready = true;
        const pending = this.#pendingOutput;
        this.#pendingOutput = [];
        for (const chunk of pending) this.#sendStream(PayloadType.Output, chunk);
        return;
      }
      default:
        return;
    }
  }

  #maybeClose(): void {
    if (
      this.#closing !== undefined &&
      this.#out.size === 0 &&
      this.#pendingOutput.length === 0 &&
      !this.#closed
    ) {
      this.closeChannel(this.#closing);
    }
  }

  #ensureTick(): void {
    if (this.#o.noResend || this.#tick !== undefined || this.#closed) return;
    this.#tick = this.#o.clock.setTimeout(() => this.#onTick(), 100);
  }

  #stopTick(): void {
    if (this.#tick !== undefined) this.#o.clock.clearTimeout(this.#tick);
    this.#tick = undefined;
  }

  #onTick(): void {
    this.#tick = undefined;
    if (this.#closed) return;
    const now = this.#o.clock.now();
    const due = this.#out.due(now);
    if (due && this.#link) {
      this.#transmit(due.seq, due.item);
      this.#out.markResent(due.seq, now);
    }
    if (this.#out.size > 0) this.#ensureTick();
  }
}

// --- serving the peer over a real WebSocket (loopback, port 0) --------------------------------

/** A loopback WebSocket server handing each connection to `accept`. */
export interface PeerServer {
  /** `ws://127.0.0.1:<port>/v1/data-channel/<sessionId>?role=publish_subscribe` */
  url(sessionId: string): string;
  close(): Promise<void>;
}

/** Serves on 127.0.0.1:0; every upgrade becomes a PeerLink. `drop()` ends TCP with no close frame. */
export async function servePeer(accept: (link: PeerLink, path: string) => void): Promise<PeerServer> {
  const server = createServer((_req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  const sockets = new Set<Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('upgrade', (req, socket, head) => {
    wss.handleUpgrade(req, socket, head, (ws) => {
      let closeCb: (() => void) | undefined;
      let dropped = false;
      ws.on('close', () => closeCb?.());
      ws.on('error', () => {});
      const link: PeerLink = {
        sendBinary: (bytes) => {
          if (ws.readyState === ws.OPEN) ws.send(bytes, { binary: true });
        },
        drop: () => {
          if (dropped) return;
          dropped = true;
          // FIN after the pending writes, without a close frame: the client sees 1006 (§2.16).
          (socket as Socket).end();
          setTimeout(() => (socket as Socket).destroy(), 500).unref();
        },
        onMessage: (cb) => ws.on('message', (data, isBinary) => cb(toU8(data), !isBinary)),
        onClose: (cb) => {
          closeCb = cb;
        },
      };
      accept(link, req.url ?? '');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (sessionId) => `ws://127.0.0.1:${port}/v1/data-channel/${sessionId}?role=publish_subscribe`,
    close: async () => {
      for (const s of sockets) s.destroy();
      wss.close();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

function toU8(data: Buffer | ArrayBuffer | Buffer[]): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return data;
}

// --- running a command on a real pty, as the agent does (§3.3) ---------------------------------

/** The system python (a pyenv shim adds seconds per start). */
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

/** A command running on a pty behind a peer. */
export interface PtyProcess {
  /** Resolves with the exit status (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  /** SIGKILLs the command's process tree leader (the agent's cancel path, §4.5). */
  kill(): void;
}

/**
 * Runs `argv` (already split) on a new pty via python3's pty.spawn, pumps its output into the
 * peer and the peer's input into it; when it exits the peer closes the channel (empty Output).
 */
export function execOnPty(peer: PeerAgent, argv: readonly string[]): PtyProcess {
  const child = spawn(
    PYTHON,
    ['-c', 'import os,pty,sys\nsys.exit(os.waitstatus_to_exitcode(pty.spawn(sys.argv[1:])))', ...argv],
    { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, TERM: 'xterm-256color' }, detached: true },
  );
  child.stdout.on('data', (d: Buffer) => peer.sendOutput(new Uint8Array(d)));
  peer.onInput((bytes) => child.stdin.write(bytes));
  child.stdin.on('error', () => {});
  const exited = new Promise<number | null>((resolve) => {
    child.on('close', (code) => {
      if (!peer.closed) peer.endWhenDrained('');
      resolve(code);
    });
  });
  return {
    exited,
    kill: () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    },
  };
}
