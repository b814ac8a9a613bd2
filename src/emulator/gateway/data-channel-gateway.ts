/**
 * The data-channel gateway: the client-facing half of MGS plus the agent's side of the stream.
 *
 * A client opens `ws://host:port/v1/data-channel/<sessionId>?…` and sends one TEXT frame (the
 * open-data-channel JSON with `TokenValue`). The gateway checks it and attaches the client to the
 * session's {@link Channel}; from then on every frame is binary, on the project's codec.
 *
 * Refusals (bad first frame, unknown or closed session, wrong token, a second client, no token
 * within {@link TOKEN_WAIT_MS}) get no reply: the TCP connection is destroyed, so the client sees
 * 1006. MGS's real behaviour here is not public (§9.6); see src/emulator/spec/gateway.md.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import type { Deps, TimerHandle } from '../../deps.js';
import { decodeOpenDataChannel } from '../../protocol/index.js';
import type { AgentSessionHandle, DataChannelGateway, GatewayEvents } from '../contracts.js';
import { FaultInjector } from '../faults.js';
import { Channel, type ChannelSnapshot, type InputReadiness } from './channel.js';
import { ClientConnection } from './client-connection.js';
import { FrameFactory } from './frame-factory.js';
import { buildStreamUrl, sessionIdOfRequestTarget } from './stream-url.js';

/** How long a new connection may take to send its open-data-channel frame, ms. */
export const TOKEN_WAIT_MS = 10_000;

/** Why a connection was refused (logged with EMU_W0802). */
export type RefusalReason =
  | 'binary-before-token'
  | 'bad-open-frame'
  | 'unknown-session'
  | 'bad-token'
  | 'second-client'
  | 'token-timeout';

/** Options of {@link createGateway}. */
export interface GatewayOptions {
  readonly deps: Deps;
  readonly events: GatewayEvents;
  /** Base of stream URLs, e.g. `ws://127.0.0.1:4566` (read on every call: the port may come late). */
  readonly baseUrl: () => string;
  /** Drop client frames whose non-empty payload does not match its digest, as the plugin does. @default false */
  readonly strictDigest?: boolean;
  /** When client input starts being acked and delivered. @default 'open' */
  readonly inputReadiness?: InputReadiness;
}

/** The gateway plus what the HTTP server and tests need. */
export interface Gateway extends DataChannelGateway {
  /** Takes a WebSocket upgrade on a data-channel path; false (untouched) for any other path. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** Fault injection on every connection of this gateway. */
  readonly faults: FaultInjector;
  /** A session's sequencing state, or undefined when it has no open channel. */
  inspect(sessionId: string): ChannelSnapshot | undefined;
  /** Drops every connection and forgets every channel. */
  close(): Promise<void>;
}

/** Builds the gateway. */
export function createGateway(opts: GatewayOptions): Gateway {
  return new DataChannelGatewayImpl(opts);
}

class DataChannelGatewayImpl implements Gateway {
  readonly faults: FaultInjector;
  readonly #deps: Deps;
  readonly #opts: GatewayOptions;
  readonly #frames: FrameFactory;
  readonly #channels = new Map<string, Channel>();
  readonly #sockets = new Set<Duplex>();
  readonly #wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, clientTracking: false });
  #nextConnectionId = 1;

  constructor(opts: GatewayOptions) {
    this.#opts = opts;
    this.#deps = opts.deps;
    this.faults = new FaultInjector(opts.deps);
    this.#frames = new FrameFactory(opts.deps);
  }

  openChannel(sessionId: string, agent: AgentSessionHandle, token: string): void {
    this.#channels.get(sessionId)?.close('');
    const channel = new Channel(sessionId, agent, token, {
      deps: this.#deps,
      events: this.#opts.events,
      frames: this.#frames,
      strictDigest: this.#opts.strictDigest ?? false,
      inputReadiness: this.#opts.inputReadiness ?? 'open',
      onClosed: (c) => {
        if (this.#channels.get(c.sessionId) === c) this.#channels.delete(c.sessionId);
      },
    });
    this.#channels.set(sessionId, channel);
  }

  addToken(sessionId: string, token: string): void {
    this.#channels.get(sessionId)?.addToken(token);
  }

  closeChannel(sessionId: string, output: string): void {
    this.#channels.get(sessionId)?.close(output);
  }

  streamUrl(sessionId: string): string {
    return buildStreamUrl(this.#opts.baseUrl(), sessionId);
  }

  inspect(sessionId: string): ChannelSnapshot | undefined {
    return this.#channels.get(sessionId)?.snapshot();
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const sessionId = sessionIdOfRequestTarget(req.url);
    if (sessionId === undefined) return false;
    this.#sockets.add(socket);
    socket.once('close', () => this.#sockets.delete(socket));
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#wsOnOpen(ws, socket, sessionId));
    return true;
  }

  async close(): Promise<void> {
    for (const channel of [...this.#channels.values()]) channel.close('');
    this.#channels.clear();
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }

  /**
   * 1. Wait for the first frame (TEXT, open-data-channel JSON) for at most TOKEN_WAIT_MS.
   * 2. Check the session and the token; refuse a second client.
   * 3. Attach: every later frame goes to the channel through the inbound faults.
   */
  #wsOnOpen(ws: WebSocket, socket: Duplex, sessionId: string): void {
    let client: ClientConnection | undefined;
    let channel: Channel | undefined;
    const tokenTimer: TimerHandle = this.#deps.clock.setTimeout(
      () => this.#refuse(socket, sessionId, 'token-timeout'),
      TOKEN_WAIT_MS,
    );
    const refuse = (reason: RefusalReason) => {
      this.#deps.clock.clearTimeout(tokenTimer);
      this.#refuse(socket, sessionId, reason);
    };
    ws.on('error', () => socket.destroy());
    ws.on('message', (data: RawData, isBinary: boolean) => {
      const bytes = toBytes(data);
      if (client !== undefined) {
        // The plugin's reader treats TEXT and BINARY frames alike after the first one.
        client.receive(bytes);
        return;
      }
      this.#deps.clock.clearTimeout(tokenTimer);
      if (socket.destroyed) return;
      if (isBinary) return refuse('binary-before-token');
      const open = decodeOpenDataChannel(Buffer.from(bytes).toString('utf8'));
      if (!open.ok) return refuse('bad-open-frame');
      channel = this.#channels.get(sessionId);
      if (channel === undefined || channel.closed) return refuse('unknown-session');
      if (!channel.hasToken(open.value.tokenValue)) return refuse('bad-token');
      if (channel.attached) return refuse('second-client');
      const attaching = new ClientConnection({
        id: this.#nextConnectionId++,
        sessionId,
        ws,
        socket,
        faults: this.faults,
        deps: this.#deps,
        onFrame: (frame) => channel?.clientOnFrame(frame),
      });
      client = attaching;
      channel.attach(attaching);
      this.#log('debug', 'EMU_I0800', `${sessionId}: client ${attaching.id} attached`, {
        sessionId,
        connection: attaching.id,
        clientId: open.value.clientId,
      });
    });
    ws.on('close', () => {
      this.#deps.clock.clearTimeout(tokenTimer);
      if (client === undefined) return;
      client.closed();
      channel?.detach(client);
      this.#log('debug', 'EMU_I0801', `${sessionId}: client ${client.id} detached`, {
        sessionId,
        connection: client.id,
      });
    });
  }

  #refuse(socket: Duplex, sessionId: string, reason: RefusalReason): void {
    if (socket.destroyed) return;
    this.#log('warn', 'EMU_W0802', `${sessionId}: data-channel connection refused (${reason})`, {
      sessionId,
      reason,
    });
    socket.destroy();
  }

  #log(level: 'debug' | 'warn', code: string, message: string, data: Record<string, unknown>): void {
    this.#deps.log.emit({ time: this.#deps.clock.now(), level, code, message, data });
  }
}

/** A ws message as one byte array of its own (faults may hold it after ws reuses its buffers). */
function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  return new Uint8Array(data);
}
