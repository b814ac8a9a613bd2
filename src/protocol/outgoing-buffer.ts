/**
 * The send side of a stream: messages sent but not yet acked, the RTT estimate, and the
 * "resend only the oldest" rule. Pure bookkeeping: time is passed in, nothing is sent here.
 *
 * - `add` when a stream message is first sent.
 * - `ack(seq, now)` when an ack arrives: removes that one message and feeds the RTT estimator
 *   with `now − lastSentTime` (receivers match acks by sequence number only, §2.6).
 * - `due(now)` on every 100 ms tick: the oldest unacked message if `now − lastSentTime > RTO`.
 *   The caller resends it and calls `markSent(seq, now)` (the agent's behaviour; the plugin's
 *   bug of never updating lastSentTime is not copied).
 *
 * Overflow policy (§2.8): the plugin drops the oldest; the agent does not add the new one.
 *
 * @see ssm-data-channel.md §2.7, §2.8
 */
import { INITIAL_RTT_ESTIMATE, type RttEstimate, updateRttEstimate } from './rto.js';

/** One unacked message. */
export interface Unacked<T> {
  readonly seq: bigint;
  readonly item: T;
  /** When it was last (re)sent, ms. */
  lastSentMs: number;
  /** How many times it was resent. */
  resends: number;
}

/** What happens when the buffer is full. */
export type OverflowPolicy = 'drop-oldest' | 'reject-new';

/** Options of {@link OutgoingBuffer}. */
export interface OutgoingBufferOptions {
  /** @default 10_000 (the plugin) */
  readonly capacity?: number;
  /** @default 'drop-oldest' (the plugin) */
  readonly overflow?: OverflowPolicy;
}

/** Unacked messages in send order plus the RTT/RTO estimate. */
export class OutgoingBuffer<T> {
  readonly #capacity: number;
  readonly #overflow: OverflowPolicy;
  readonly #bySeq = new Map<bigint, Unacked<T>>();
  #estimate: RttEstimate = INITIAL_RTT_ESTIMATE;

  constructor(options: OutgoingBufferOptions = {}) {
    this.#capacity = options.capacity ?? 10_000;
    this.#overflow = options.overflow ?? 'drop-oldest';
  }

  /** The current RTT/RTO estimate. */
  get estimate(): RttEstimate {
    return this.#estimate;
  }

  /** Number of unacked messages. */
  get size(): number {
    return this.#bySeq.size;
  }

  /** Records a first send. Returns false when the message was not kept (reject-new and full). */
  add(seq: bigint, item: T, nowMs: number): boolean {
    if (this.#bySeq.size >= this.#capacity) {
      if (this.#overflow === 'reject-new') return false;
      const oldest = this.#bySeq.keys().next();
      if (!oldest.done) this.#bySeq.delete(oldest.value);
    }
    this.#bySeq.set(seq, { seq, item, lastSentMs: nowMs, resends: 0 });
    return true;
  }

  /** Handles an ack: true when it matched an unacked message (and updated the estimate). */
  ack(seq: bigint, nowMs: number): boolean {
    const entry = this.#bySeq.get(seq);
    if (!entry) return false;
    this.#bySeq.delete(seq);
    this.#estimate = updateRttEstimate(this.#estimate, nowMs - entry.lastSentMs);
    return true;
  }

  /** The oldest unacked message, if any. */
  oldest(): Unacked<T> | undefined {
    const first = this.#bySeq.values().next();
    return first.done ? undefined : first.value;
  }

  /** The oldest unacked message if it is due for a resend at `nowMs`. */
  due(nowMs: number): Unacked<T> | undefined {
    const oldest = this.oldest();
    return oldest && nowMs - oldest.lastSentMs > this.#estimate.rtoMs ? oldest : undefined;
  }

  /** The unacked entry of `seq`, if any. */
  get(seq: bigint): Unacked<T> | undefined {
    return this.#bySeq.get(seq);
  }

  /** Records a first transmission at `nowMs` of a message added earlier but held back. */
  markSent(seq: bigint, nowMs: number): void {
    const entry = this.#bySeq.get(seq);
    if (entry) entry.lastSentMs = nowMs;
  }

  /** Records a resend of `seq` at `nowMs`. */
  markResent(seq: bigint, nowMs: number): void {
    const entry = this.#bySeq.get(seq);
    if (!entry) return;
    entry.lastSentMs = nowMs;
    entry.resends++;
  }
}
