/**
 * An in-memory Transport: each `connect` creates a pair of ends; the server end is handed to
 * `accept` as a {@link PeerLink}. Messages are delivered on the microtask queue, in order, so a
 * manual clock plus `await settle()` drives everything deterministically.
 */
import { DiagError } from '../../src/errors.js';
import type { Transport, TransportConnection } from '../../src/session/transport.js';
import type { PeerLink } from './peer-agent.js';

/** Lets queued microtasks and immediates run. */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((r) => setImmediate(r));
}

/** The in-memory transport. */
export class FakeTransport implements Transport {
  readonly urls: string[] = [];
  readonly pings: number[] = [];
  #failNext = 0;
  readonly #accept: (link: PeerLink) => void;

  constructor(accept: (link: PeerLink) => void) {
    this.#accept = accept;
  }

  /** The next `n` connects fail. */
  failNextConnects(n: number): void {
    this.#failNext = n;
  }

  async connect(url: string): Promise<TransportConnection> {
    this.urls.push(url);
    await Promise.resolve();
    if (this.#failNext > 0) {
      this.#failNext--;
      throw new DiagError('SESSION_CONNECT_FAILED', `connect ${url} refused (fake)`);
    }
    const pair = new Pair(this.pings);
    this.#accept(pair.server);
    return pair.client;
  }
}

class Pair {
  #open = true;
  #toClient: ((d: Uint8Array) => void) | undefined;
  #clientBacklog: Uint8Array[] = [];
  #clientClose: ((code: number, reason: string) => void) | undefined;
  #closedWith: [number, string] | undefined;
  #toServer: ((d: Uint8Array, isText: boolean) => void) | undefined;
  #serverBacklog: Array<[Uint8Array, boolean]> = [];
  #serverClose: (() => void) | undefined;
  readonly #pings: number[];

  constructor(pings: number[]) {
    this.#pings = pings;
  }

  readonly client: TransportConnection = {
    sendText: (text) => this.#deliverToServer(new TextEncoder().encode(text), true),
    sendBinary: (bytes) => this.#deliverToServer(bytes.slice(), false),
    ping: () => {
      if (this.#open) this.#pings.push(Date.now());
    },
    onMessage: (cb) => {
      this.#toClient = cb;
      for (const d of this.#clientBacklog.splice(0)) cb(d);
    },
    onClose: (cb) => {
      this.#clientClose = cb;
      if (this.#closedWith) cb(...this.#closedWith);
    },
    // A clean close lets already-queued sends go out first.
    close: (code = 1000, reason = '') => queueMicrotask(() => this.#shut(code, reason)),
    terminate: () => this.#shut(1006, ''),
  };

  readonly server: PeerLink = {
    sendBinary: (bytes) => {
      if (!this.#open) return;
      const copy = bytes.slice();
      queueMicrotask(() => {
        if (this.#closedWith) return;
        if (this.#toClient) this.#toClient(copy);
        else this.#clientBacklog.push(copy);
      });
    },
    drop: () => {
      // After everything already queued (like a socket end after pending writes).
      queueMicrotask(() => this.#shut(1006, ''));
    },
    onMessage: (cb) => {
      this.#toServer = cb;
      for (const [d, t] of this.#serverBacklog.splice(0)) cb(d, t);
    },
    onClose: (cb) => {
      this.#serverClose = cb;
    },
  };

  #deliverToServer(bytes: Uint8Array, isText: boolean): void {
    if (!this.#open) return;
    queueMicrotask(() => {
      if (!this.#open) return;
      if (this.#toServer) this.#toServer(bytes, isText);
      else this.#serverBacklog.push([bytes, isText]);
    });
  }

  #shut(code: number, reason: string): void {
    if (!this.#open) return;
    this.#open = false;
    this.#closedWith = [code, reason];
    this.#clientClose?.(code, reason);
    this.#serverClose?.();
  }
}
