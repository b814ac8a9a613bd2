/**
 * In-order delivery of one sequenced stream, with an out-of-order buffer and duplicate detection.
 *
 * Each receiver keeps `expectedSeq` (from 0):
 * - seq == expected → deliver it, then every buffered expected+1, expected+2, …  (ack it)
 * - seq >  expected → buffer it, if there is room                                  (ack it; no ack when full)
 * - seq <  expected → duplicate                                                   (re-ack it, as the agent does)
 * Buffered messages are delivered without a second ack.
 *
 * @see ssm-data-channel.md §2.6, §2.8, §2.9
 */

/** What to do with an offered message. */
export type ReorderOutcome<T> =
  /** In order: deliver these (the offered one first, then drained ones). Ack the offered one. */
  | { readonly kind: 'deliver'; readonly items: readonly T[] }
  /** Ahead of expected: kept (or already kept). Ack it. */
  | { readonly kind: 'buffered' }
  /** Already delivered. Re-ack it. */
  | { readonly kind: 'duplicate' }
  /** Ahead of expected but the buffer is full: dropped. Do not ack (the sender will resend). */
  | { readonly kind: 'full' };

/** Default capacity of the out-of-order buffer (the plugin's 10 000). @see §2.8 */
export const DEFAULT_REORDER_CAPACITY = 10_000;

/** The receive side of a stream. Mutable, but with no side effects beyond its own state. */
export class ReorderBuffer<T> {
  #expected: bigint;
  readonly #capacity: number;
  readonly #pending = new Map<bigint, T>();

  constructor(options: { readonly capacity?: number; readonly expectedSeq?: bigint } = {}) {
    this.#capacity = options.capacity ?? DEFAULT_REORDER_CAPACITY;
    this.#expected = options.expectedSeq ?? 0n;
  }

  /** The next sequence number to deliver. */
  get expectedSeq(): bigint {
    return this.#expected;
  }

  /** How many messages wait for a gap to fill. */
  get buffered(): number {
    return this.#pending.size;
  }

  /** Offers a received message with sequence number `seq`. */
  offer(seq: bigint, item: T): ReorderOutcome<T> {
    if (seq < this.#expected) return { kind: 'duplicate' };
    if (seq > this.#expected) {
      if (this.#pending.has(seq)) return { kind: 'buffered' };
      if (this.#pending.size >= this.#capacity) return { kind: 'full' };
      this.#pending.set(seq, item);
      return { kind: 'buffered' };
    }
    const items: T[] = [item];
    this.#expected++;
    for (;;) {
      const next = this.#pending.get(this.#expected);
      if (next === undefined) break;
      this.#pending.delete(this.#expected);
      items.push(next);
      this.#expected++;
    }
    return { kind: 'deliver', items };
  }
}
