/**
 * One attached client WebSocket, seen through the fault injector: every frame in and out passes
 * a {@link FaultPipe}. Closing never sends a WebSocket close frame: like gorilla's `Conn.Close()`
 * the TCP connection is ended, so the client sees 1006 (§2.16).
 */
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { Deps, TimerHandle } from '../../deps.js';
import { decodeAgentMessage } from '../../protocol/index.js';
import type { FaultFrame, FaultInjector, FaultPipe } from '../faults.js';

/** How long an ended socket may linger half-open before it is destroyed, ms. */
const END_LINGER_MS = 1000;

/** Options of {@link ClientConnection}. */
export interface ClientConnectionOptions {
  readonly id: number;
  readonly sessionId: string;
  readonly ws: WebSocket;
  /** The raw socket the upgrade came on (ended or destroyed to drop without a close frame). */
  readonly socket: Duplex;
  readonly faults: FaultInjector;
  readonly deps: Deps;
  /** A frame that survived the inbound faults. */
  readonly onFrame: (bytes: Uint8Array) => void;
}

/** The header fields a fault rule can match on, when the bytes decode. */
export function faultFrameOf(bytes: Uint8Array): FaultFrame {
  const d = decodeAgentMessage(bytes);
  return d.ok ? { bytes, messageType: d.message.messageType, payloadType: d.message.payloadType } : { bytes };
}

/** An attached client. */
export class ClientConnection {
  readonly id: number;
  readonly sessionId: string;
  readonly #ws: WebSocket;
  readonly #socket: Duplex;
  readonly #deps: Deps;
  readonly #in: FaultPipe;
  readonly #out: FaultPipe;
  #dropped = false;

  constructor(opts: ClientConnectionOptions) {
    this.id = opts.id;
    this.sessionId = opts.sessionId;
    this.#ws = opts.ws;
    this.#socket = opts.socket;
    this.#deps = opts.deps;
    this.#in = opts.faults.pipe(opts.sessionId, 'in', {
      deliver: (f) => opts.onFrame(f.bytes),
      kill: () => this.drop(),
    });
    this.#out = opts.faults.pipe(opts.sessionId, 'out', {
      deliver: (f) => this.#write(f.bytes),
      kill: () => this.drop(),
    });
  }

  /** True until the connection is dropped or the socket closes. */
  get open(): boolean {
    return !this.#dropped && this.#ws.readyState === this.#ws.OPEN;
  }

  /** A frame received from the client (goes through the inbound faults). */
  receive(bytes: Uint8Array): void {
    if (this.#dropped) return;
    this.#in.push(faultFrameOf(bytes));
  }

  /** Sends a frame to the client (goes through the outbound faults). */
  send(bytes: Uint8Array): void {
    if (this.#dropped) return;
    this.#out.push(faultFrameOf(bytes));
  }

  /**
   * Sends `bytes` as the last frame, then ends the TCP connection without a close frame. If an
   * outbound fault drops or holds that frame, the connection is dropped without it.
   */
  sendFinal(bytes: Uint8Array): void {
    if (this.#dropped) return;
    // ws writes synchronously; end() sends FIN only after what is queued has been flushed.
    this.#out.push(faultFrameOf(bytes));
    this.#end();
  }

  /** Destroys the socket at once (the client sees 1006). */
  drop(): void {
    if (this.#dropped) return;
    this.#dropped = true;
    this.#in.close();
    this.#out.close();
    this.#socket.destroy();
  }

  /** Stops the fault pipes once the socket is gone. */
  closed(): void {
    this.#dropped = true;
    this.#in.close();
    this.#out.close();
  }

  #write(bytes: Uint8Array): void {
    if (this.#dropped || this.#ws.readyState !== this.#ws.OPEN) return;
    this.#ws.send(bytes);
  }

  /** Ends the TCP connection after the queued data (FIN, no close frame), then destroys it. */
  #end(): void {
    if (this.#dropped) return;
    this.#dropped = true;
    this.#in.close();
    this.#out.close();
    this.#socket.end();
    const timer: TimerHandle = this.#deps.clock.setTimeout(() => this.#socket.destroy(), END_LINGER_MS);
    this.#socket.once('close', () => this.#deps.clock.clearTimeout(timer));
  }
}
