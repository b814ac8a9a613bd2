/**
 * The session's output as an async iterable of byte chunks: pushed by the receive path in
 * order, pulled by one consumer. Ends (without error) when the session ends; how it ended is
 * the session's `ended` promise.
 */

/** Largest chunk made by joining waiting chunks. */
const MAX_JOINED = 64 * 1024;

/** A single-consumer queue of byte chunks. */
export class OutputQueue implements AsyncIterable<Uint8Array> {
  #chunks: Uint8Array[] = [];
  #ended = false;
  #wake: (() => void) | undefined;
  #iterated = false;

  /** Appends a chunk (ignored after `end`). */
  push(chunk: Uint8Array): void {
    if (this.#ended || chunk.length === 0) return;
    this.#chunks.push(chunk);
    this.#notify();
  }

  /** No more chunks will come. */
  end(): void {
    this.#ended = true;
    this.#notify();
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  /**
   * The next chunk; when several are waiting they are joined (up to {@link MAX_JOINED} bytes), so
   * a fast sender does not cost the consumer one await (and one write) per 1 KB frame.
   */
  #take(): Uint8Array | undefined {
    const first = this.#chunks[0];
    if (first === undefined) return undefined;
    let count = 1;
    let size = first.length;
    while (count < this.#chunks.length && size + (this.#chunks[count]?.length ?? 0) <= MAX_JOINED) {
      size += this.#chunks[count]?.length ?? 0;
      count++;
    }
    const parts = this.#chunks.splice(0, count);
    if (count === 1) return first;
    const out = new Uint8Array(size);
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    if (this.#iterated) throw new Error('session output can be iterated only once');
    this.#iterated = true;
    for (;;) {
      const chunk = this.#take();
      if (chunk !== undefined) {
        yield chunk;
        continue;
      }
      if (this.#ended) return;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
  }
}
