/**
 * Test harness for the data-channel gateway: a real loopback HTTP server on port 0 that hands
 * upgrades to the gateway, a fake AgentSessionHandle, and a small reliable client built on the
 * project's codec (acks and re-acks output, drops bad digests like the plugin, retransmits input).
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { type Deps, systemClock, systemIds } from '../../src/deps.js';
import type {
  AgentSessionEnd,
  AgentSessionHandle,
  CancelReason,
  GatewayEvents,
} from '../../src/emulator/contracts.js';
import { createGateway, type Gateway, type GatewayOptions } from '../../src/emulator/gateway/index.js';
import {
  type AgentMessage,
  buildAcknowledge,
  buildInputStreamMessage,
  decodeAcknowledgePayload,
  decodeAgentMessage,
  decodeChannelClosedPayload,
  encodeAgentMessage,
  encodeOpenDataChannel,
  encodeSizePayload,
  MessageType,
  PayloadType,
  ReorderBuffer,
} from '../../src/protocol/index.js';
import { RecordingSink } from '../helpers/manual-clock.js';

/** Seeded LCG in [0, 1). */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Real clock and ids (the sockets are real), seeded random, recording sink. */
export function realDeps(seed = 1): Deps & { log: RecordingSink } {
  return { clock: systemClock, ids: systemIds, random: seededRandom(seed), log: new RecordingSink() };
}

/** A fake agent session: the test drives its output and end, and sees what the gateway did. */
export class FakeAgent implements AgentSessionHandle {
  readonly sessionId: string;
  readonly pid = 4242;
  readonly written: Uint8Array[] = [];
  readonly resizes: Array<{ cols: number; rows: number }> = [];
  readonly pausedCalls: boolean[] = [];
  readonly cancels: CancelReason[] = [];
  readonly ended: Promise<AgentSessionEnd>;
  #cb: ((chunk: Uint8Array) => void) | undefined;
  #resolveEnd!: (end: AgentSessionEnd) => void;

  constructor(sessionId: string) {
    this.sessionId = sessionId;
    this.ended = new Promise((r) => {
      this.#resolveEnd = r;
    });
  }

  get paused(): boolean | undefined {
    return this.pausedCalls.at(-1);
  }

  get writtenText(): string {
    return this.written.map((b) => Buffer.from(b).toString('utf8')).join('');
  }

  onOutput(cb: (chunk: Uint8Array) => void): void {
    this.#cb = cb;
  }
  setPaused(paused: boolean): void {
    this.pausedCalls.push(paused);
  }
  write(input: Uint8Array): void {
    this.written.push(new Uint8Array(input));
  }
  resize(cols: number, rows: number): void {
    this.resizes.push({ cols, rows });
  }
  async cancel(reason: CancelReason): Promise<void> {
    this.cancels.push(reason);
    this.#resolveEnd({ kind: 'cancelled', reason });
  }

  /** The pump read `text` from the pty. */
  emit(text: string | Uint8Array): void {
    if (!this.#cb) throw new Error('gateway has not subscribed to output');
    this.#cb(typeof text === 'string' ? Buffer.from(text) : text);
  }

  /** The command exited. */
  exit(status = 0): void {
    this.#resolveEnd({ kind: 'exited', exitStatus: status, signal: null });
  }
}

/** Events the gateway reported. */
export class RecordingEvents implements GatewayEvents {
  readonly traffic: Array<{ sessionId: string; kind: string }> = [];
  readonly detached: string[] = [];
  onClientTraffic(sessionId: string, kind: 'input' | 'size' | 'ack' | 'attach'): void {
    this.traffic.push({ sessionId, kind });
  }
  onClientDetached(sessionId: string): void {
    this.detached.push(sessionId);
  }
  kinds(sessionId: string): string[] {
    return this.traffic.filter((t) => t.sessionId === sessionId).map((t) => t.kind);
  }
}

/** A gateway behind a real HTTP server on 127.0.0.1:0. */
export interface Harness {
  readonly gateway: Gateway;
  readonly events: RecordingEvents;
  readonly deps: Deps & { log: RecordingSink };
  readonly server: Server;
  readonly baseUrl: string;
  close(): Promise<void>;
}

export async function startHarness(
  opts: Partial<Omit<GatewayOptions, 'deps' | 'events' | 'baseUrl'>> & { seed?: number } = {},
): Promise<Harness> {
  const deps = realDeps(opts.seed ?? 1);
  const events = new RecordingEvents();
  let baseUrl = '';
  const gateway = createGateway({ ...opts, deps, events, baseUrl: () => baseUrl });
  const server = createServer((_req, res) => {
    res.statusCode = 404;
    res.end();
  });
  server.on('upgrade', (req, socket, head) => {
    if (!gateway.handleUpgrade(req, socket, head)) socket.destroy();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  baseUrl = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    gateway,
    events,
    deps,
    server,
    baseUrl,
    close: async () => {
      await gateway.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** One frame the client saw (decoded), with its raw bytes. */
export interface SeenFrame {
  readonly message: AgentMessage;
  readonly bytes: Uint8Array;
}

/** Options of {@link TestClient}. */
export interface TestClientOptions {
  /** Ack output frames. @default true */
  readonly autoAck?: boolean;
  /** Retransmit unacked input every this many ms. @default 250 */
  readonly resendMs?: number;
  /** Reconnect with a fresh token after a 1006 without channel_closed. */
  readonly onDrop?: () => string | undefined;
}

/**
 * A minimal reliable client on the project's codec. It keeps its sequence state across
 * reconnects, as the plugin does on resume.
 */
export class TestClient {
  readonly url: string;
  readonly frames: SeenFrame[] = [];
  /** Output payloads in order, each sequence number once. */
  readonly delivered: Uint8Array[] = [];
  readonly closeCodes: number[] = [];
  channelClosed: { output: string; sessionId: string } | undefined;
  ws: WebSocket | undefined;
  readonly #opts: TestClientOptions;
  readonly #reorder = new ReorderBuffer<Uint8Array>();
  #nextSeq = 0n;
  readonly #unacked = new Map<bigint, Uint8Array>();
  #resendTimer: NodeJS.Timeout | undefined;
  #closedWaiters: Array<() => void> = [];
  #stopped = false;

  constructor(url: string, opts: TestClientOptions = {}) {
    this.url = url;
    this.#opts = opts;
  }

  get deliveredText(): string {
    return this.delivered.map((b) => Buffer.from(b).toString('utf8')).join('');
  }

  get unackedInput(): number {
    return this.#unacked.size;
  }

  /** Opens the socket and sends the open-data-channel frame with `token`. */
  async connect(token: string, openFrame?: string): Promise<void> {
    const ws = new WebSocket(this.url);
    this.ws = ws;
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) this.#onFrame(new Uint8Array(data));
    });
    ws.on('error', () => {});
    ws.on('close', (code) => {
      this.closeCodes.push(code);
      if (this.ws === ws) this.ws = undefined;
      for (const w of this.#closedWaiters.splice(0)) w();
      if (code === 1006 && this.channelClosed === undefined && !this.#stopped && this.#opts.onDrop) {
        const next = this.#opts.onDrop();
        if (next !== undefined) void this.connect(next);
      }
    });
    await once(ws, 'open');
    ws.send(
      openFrame ??
        encodeOpenDataChannel({
          requestId: crypto.randomUUID(),
          tokenValue: token,
          clientId: crypto.randomUUID(),
        }),
    );
    this.#resendUnacked();
    this.#armResend();
  }

  /** Resolves when the current socket has closed. */
  async closed(): Promise<void> {
    if (this.ws === undefined) return;
    await new Promise<void>((r) => this.#closedWaiters.push(r));
  }

  /** Sends keystrokes (PayloadType 1) reliably. */
  sendInput(text: string): bigint {
    return this.#sendStream(PayloadType.Output, Buffer.from(text));
  }

  /** Sends a terminal size (PayloadType 3) reliably. */
  sendSize(cols: number, rows: number): bigint {
    return this.#sendStream(PayloadType.Size, encodeSizePayload({ cols, rows }));
  }

  /** Sends raw bytes as they are (no bookkeeping). */
  sendRaw(bytes: Uint8Array): void {
    this.ws?.send(bytes);
  }

  /** Builds an input frame without sending it. */
  static inputFrame(seq: bigint, payloadType: number, payload: Uint8Array): Uint8Array {
    return encodeAgentMessage(
      buildInputStreamMessage(seq, payloadType, payload, {
        messageId: crypto.randomUUID(),
        createdDate: Date.now(),
      }),
    );
  }

  /** Acks an output frame by hand. */
  ack(message: Pick<AgentMessage, 'messageType' | 'messageId' | 'sequenceNumber'>): void {
    this.ws?.send(
      encodeAgentMessage(
        buildAcknowledge(message, { messageId: crypto.randomUUID(), createdDate: Date.now() }),
      ),
    );
  }

  stop(): void {
    this.#stopped = true;
    if (this.#resendTimer) clearInterval(this.#resendTimer);
    this.ws?.terminate();
  }

  /** Output frames seen, by type. */
  seen(type: string): SeenFrame[] {
    return this.frames.filter((f) => f.message.messageType === type);
  }

  #sendStream(payloadType: number, payload: Uint8Array): bigint {
    const seq = this.#nextSeq++;
    const frame = TestClient.inputFrame(seq, payloadType, payload);
    this.#unacked.set(seq, frame);
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(frame);
    return seq;
  }

  #armResend(): void {
    if (this.#resendTimer) return;
    this.#resendTimer = setInterval(() => this.#resendUnacked(), this.#opts.resendMs ?? 250);
  }

  #resendUnacked(): void {
    if (this.ws?.readyState !== WebSocket.OPEN) return;
    for (const frame of this.#unacked.values()) this.ws.send(frame);
  }

  #onFrame(bytes: Uint8Array): void {
    // Like the plugin: frames with a bad digest are dropped (not acked), so the agent resends.
    const d = decodeAgentMessage(bytes, { strict: true });
    if (!d.ok) return;
    const message = d.message;
    this.frames.push({ message, bytes });
    switch (message.messageType) {
      case MessageType.OutputStreamData: {
        if (this.#opts.autoAck !== false) this.ack(message);
        const outcome = this.#reorder.offer(message.sequenceNumber, message.payload);
        if (outcome.kind === 'deliver') this.delivered.push(...outcome.items);
        return;
      }
      case MessageType.Acknowledge: {
        const ack = decodeAcknowledgePayload(message.payload);
        if (ack.ok) this.#unacked.delete(ack.value.acknowledgedMessageSequenceNumber);
        return;
      }
      case MessageType.ChannelClosed: {
        const c = decodeChannelClosedPayload(message.payload);
        if (c.ok) this.channelClosed = { output: c.value.output, sessionId: c.value.sessionId };
        return;
      }
    }
  }
}

/** Polls `cond` until true (or fails after `ms`). */
export async function waitFor(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Sleeps in real time. */
export const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));
