/**
 * The client's send side of the stream: input_stream_data sequence numbers, unacked frames,
 * frames held while the socket is down or the channel paused, and the oldest-first resend rule.
 * No I/O: it returns frames for the driver to transmit; time is passed in.
 *
 * @see ssm-data-channel.md §1.8, §2.7, §2.8, §2.11
 */
import {
  buildInputStreamMessage,
  encodeAgentMessage,
  type FrameStamp,
  OutgoingBuffer,
  type RttEstimate,
} from '../protocol/index.js';

/** A frame due for a resend. */
export interface DueFrame {
  readonly seq: bigint;
  readonly frame: Uint8Array;
  /** Resends so far, before this one. */
  readonly resends: number;
}

/** The input stream (client → agent). */
export class InputStream {
  #next = 0n;
  readonly #unacked: OutgoingBuffer<Uint8Array>;
  /** Sequence numbers assigned but never transmitted, in order. */
  readonly #unsent = new Set<bigint>();

  constructor(options: { readonly capacity?: number } = {}) {
    // The plugin drops the oldest when full (§2.8).
    this.#unacked = new OutgoingBuffer({ capacity: options.capacity ?? 10_000, overflow: 'drop-oldest' });
  }

  /** The next sequence number to assign. */
  get nextSeq(): bigint {
    return this.#next;
  }

  /** Number of frames not yet acked. */
  get unackedCount(): number {
    return this.#unacked.size;
  }

  /** The current RTT/RTO estimate. */
  get estimate(): RttEstimate {
    return this.#unacked.estimate;
  }

  /**
   * Assigns the next sequence number to a payload and records the frame as unacked. Returns the
   * frame to transmit now, or undefined when `transmit` is false (it is then held as unsent).
   */
  enqueue(
    payloadType: number,
    payload: Uint8Array,
    stamp: FrameStamp,
    transmit: boolean,
  ): Uint8Array | undefined {
    const seq = this.#next++;
    const frame = encodeAgentMessage(buildInputStreamMessage(seq, payloadType, payload, stamp));
    this.#unacked.add(seq, frame, stamp.createdDate);
    if (transmit) return frame;
    this.#unsent.add(seq);
    return undefined;
  }

  /** Frames held as unsent, in order; they count as sent at `nowMs` from here on. */
  takeUnsent(nowMs: number): Uint8Array[] {
    const frames: Uint8Array[] = [];
    for (const seq of this.#unsent) {
      const entry = this.#unacked.get(seq);
      if (entry) {
        this.#unacked.markSent(seq, nowMs);
        frames.push(entry.item);
      }
    }
    this.#unsent.clear();
    return frames;
  }

  /** An ack arrived for `seq`. True when it matched an unacked frame. */
  acknowledge(seq: bigint, nowMs: number): boolean {
    this.#unsent.delete(seq);
    return this.#unacked.ack(seq, nowMs);
  }

  /** The oldest unacked frame if `now − lastSent > RTO` (one per tick, §2.7). */
  due(nowMs: number): DueFrame | undefined {
    const d = this.#unacked.due(nowMs);
    return d ? { seq: d.seq, frame: d.item, resends: d.resends } : undefined;
  }

  /** Records that `seq` was (re)transmitted at `nowMs`. */
  markResent(seq: bigint, nowMs: number): void {
    this.#unsent.delete(seq);
    this.#unacked.markResent(seq, nowMs);
  }
}
