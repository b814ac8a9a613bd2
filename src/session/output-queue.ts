/**
 * The session's output as an async iterable of byte chunks: pushed by the receive path in
 * order, pulled by one consumer. Ends (without error) when the session ends; how it ended is
 * the session's `ended` promise.
 */

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

  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    if (this.#iterated) throw new Error('session output can be iterated only once');
    this.#iterated = true;
    for (;;) {
      const chunk = this.#chunks.shift();
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
