/**
 * The `ws` adapter of the session's Transport port (src/session/transport.ts).
 *
 * Dials like the plugin: no extra headers, no subprotocol, no auth header; the token travels in
 * the first text frame (§2.1). Text and binary messages are both handed on as bytes. Messages
 * and the close event are buffered until the session registers its callbacks, so nothing is lost
 * between `open` and registration. `close()` does a close handshake but never waits more than
 * {@link CLOSE_GRACE_MS} for the peer; `terminate()` drops the socket (the peer sees 1006).
 *
 * @see ssm-data-channel.md §2.1, §2.2, §2.14, §2.16
 */
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import WebSocket, { type RawData } from 'ws';
import { DiagError } from '../errors.js';
import { CLOSE_ABNORMAL, type Transport, type TransportConnection } from '../session/transport.js';

/** How long a clean close may wait for the peer's close frame before the socket is dropped. */
export const CLOSE_GRACE_MS = 1000;

/** Options of {@link wsTransport}. */
export interface WsTransportOptions {
  /** Opening handshake timeout, ms. @default 15_000 (the agent's MGS client timeout, §5) */
  readonly handshakeTimeoutMs?: number;
}

/** A Transport over real WebSockets (wss:// to AWS, ws:// to the emulator). */
export function wsTransport(options: WsTransportOptions = {}): Transport {
  return {
    connect: (url, connectOptions) => connectWs(url, options, connectOptions?.signal),
  };
}

function connectWs(
  url: string,
  options: WsTransportOptions,
  signal?: AbortSignal,
): Promise<TransportConnection> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new DiagError('SESSION_ABORTED', 'aborted before the data channel opened'));
      return;
    }
    let ws: WebSocket;
    try {
      ws = new WebSocket(url, {
        handshakeTimeout: options.handshakeTimeoutMs ?? 15_000,
        perMessageDeflate: false,
      });
    } catch (cause) {
      reject(new DiagError('SESSION_CONNECT_FAILED', `bad data channel URL: ${String(cause)}`, { cause }));
      return;
    }
    ws.binaryType = 'nodebuffer';
    const conn = new WsConnection(ws);
    // The upgrade response carries the socket (public API): used to coalesce small writes.
    ws.once('upgrade', (res: IncomingMessage) => conn.useSocket(res.socket));
    const onAbort = () => ws.terminate();
    signal?.addEventListener('abort', onAbort, { once: true });
    const settleOpen = () => {
      signal?.removeEventListener('abort', onAbort);
      ws.off('error', onEarlyError);
      ws.off('close', onEarlyClose);
    };
    const onEarlyError = (err: Error) => {
      settleOpen();
      reject(
        new DiagError('SESSION_CONNECT_FAILED', `cannot open the data channel: ${err.message}`, {
          cause: err,
        }),
      );
    };
    const onEarlyClose = (code: number) => {
      settleOpen();
      reject(
        signal?.aborted
          ? new DiagError('SESSION_ABORTED', 'aborted while the data channel was opening')
          : new DiagError('SESSION_CONNECT_FAILED', `the data channel closed while opening (code ${code})`),
      );
    };
    ws.once('error', onEarlyError);
    ws.once('close', onEarlyClose);
    ws.once('open', () => {
      settleOpen();
      conn.listen();
      resolve(conn);
    });
  });
}

class WsConnection implements TransportConnection {
  readonly #ws: WebSocket;
  #onMessage: ((data: Uint8Array) => void) | undefined;
  #backlog: Uint8Array[] = [];
  #onClose: ((code: number, reason: string) => void) | undefined;
  #closed: [number, string] | undefined;
  #socket: Socket | undefined;
  #corked = false;

  constructor(ws: WebSocket) {
    this.#ws = ws;
  }

  useSocket(socket: Socket): void {
    this.#socket = socket;
  }

  /**
   * Acks go out one per received frame, often dozens per socket read. Corking until the event
   * loop has handled the reads at hand turns them into one write instead of one syscall each.
   */
  #cork(): void {
    const socket = this.#socket;
    if (this.#corked || !socket) return;
    this.#corked = true;
    socket.cork();
    setImmediate(() => {
      this.#corked = false;
      socket.uncork();
    });
  }

  /** Starts listening once open (errors after open end in a close event, code 1006). */
  listen(): void {
    this.#ws.on('message', (data: RawData) => {
      const bytes = toBytes(data);
      if (this.#onMessage) this.#onMessage(bytes);
      else this.#backlog.push(bytes);
    });
    // 'error' is always followed by 'close'; listening keeps it from being thrown.
    this.#ws.on('error', () => {});
    this.#ws.on('close', (code: number, reason: Buffer) => {
      this.#closed = [code || CLOSE_ABNORMAL, reason.toString('utf8')];
      this.#onClose?.(...this.#closed);
    });
  }

  sendText(text: string): void {
    if (this.#ws.readyState === WebSocket.OPEN) this.#ws.send(text);
  }

  sendBinary(bytes: Uint8Array): void {
    if (this.#ws.readyState !== WebSocket.OPEN) return;
    this.#cork();
    this.#ws.send(bytes, { binary: true });
  }

  ping(payload: Uint8Array): void {
    if (this.#ws.readyState === WebSocket.OPEN) this.#ws.ping(payload);
  }

  onMessage(cb: (data: Uint8Array) => void): void {
    this.#onMessage = cb;
    for (const b of this.#backlog.splice(0)) cb(b);
  }

  onClose(cb: (code: number, reason: string) => void): void {
    this.#onClose = cb;
    if (this.#closed) cb(...this.#closed);
  }

  close(code = 1000, reason = ''): void {
    if (this.#ws.readyState === WebSocket.CLOSED) return;
    try {
      this.#ws.close(code, reason);
    } catch {
      this.#ws.terminate();
      return;
    }
    setTimeout(() => this.#ws.terminate(), CLOSE_GRACE_MS).unref();
  }

  terminate(): void {
    this.#ws.terminate();
  }
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return data;
}
