/**
 * The Transport port: how the session reaches a WebSocket without importing one.
 *
 * The `ws` adapter lives in src/aws/ws-transport.ts; tests use test/helpers/fake-transport.ts.
 * Contract every adapter keeps:
 * - `connect(url)` resolves once the socket is open, rejects (DiagError SESSION_CONNECT_FAILED)
 *   when it cannot open.
 * - Text and binary messages both arrive through `onMessage` as bytes (the plugin treats both as
 *   frames, §2.2).
 * - `onClose` fires exactly once, also for read errors (code 1006) and also when the socket closed
 *   before the callback was registered.
 * - `terminate()` drops the socket without a close handshake (what the Go sides do, §2.16).
 *
 * @see ssm-data-channel.md §2.1, §2.2, §2.14, §2.16
 */

/** One open WebSocket. */
export interface TransportConnection {
  /** Sends a TEXT message (only the open-data-channel frame). */
  sendText(text: string): void;
  /** Sends a BINARY message (one frame). */
  sendBinary(bytes: Uint8Array): void;
  /** Sends a WebSocket ping control frame (keepalive, payload `keepalive`). */
  ping(payload: Uint8Array): void;
  /** Every received data message, as bytes. */
  onMessage(cb: (data: Uint8Array) => void): void;
  /** The socket is gone: `code` 1006 for an abnormal drop, 1000 for a clean close. */
  onClose(cb: (code: number, reason: string) => void): void;
  /** Closes with a close handshake. */
  close(code?: number, reason?: string): void;
  /** Drops the socket at once (the peer sees 1006). */
  terminate(): void;
}

/** Opens WebSocket connections. */
export interface Transport {
  connect(url: string, options?: { readonly signal?: AbortSignal }): Promise<TransportConnection>;
}

/** A Transport, as commands and scenarios pass it around. */
export type TransportFactory = Transport;

/** Close code of an abnormal closure (no close frame). */
export const CLOSE_ABNORMAL = 1006;
