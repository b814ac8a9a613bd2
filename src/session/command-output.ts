/**
 * Streaming filter of a wrapped command's pty output (see command-wrapper.ts): drops what comes
 * before the begin line, turns CRLF back into LF when stty was not available, holds back a tail
 * that could be the start of the end line, and reads the exit status from the end line.
 */

const LF = 0x0a;
const CR = 0x0d;

/** What the filter found. */
export interface CommandOutputSummary {
  /** `raw`: exact bytes; `crlf`: CRLF turned back into LF (stty was missing); `unknown`: no begin line. */
  readonly mode: 'raw' | 'crlf' | 'unknown';
  /** The exit status from the end line, or null when it never came. */
  readonly exitCode: number | null;
  /** Bytes seen before the begin line (banners, or the error when the wrapper could not start). */
  readonly preamble: Uint8Array;
}

/** Maximum preamble kept while looking for the begin line. */
const MAX_PREAMBLE = 64 * 1024;

/** The filter. `push` returns command output that is safe to emit now. */
export class CommandOutputFilter {
  readonly #begin: Uint8Array;
  readonly #end: Uint8Array;
  #mode: 'raw' | 'crlf' | 'unknown' = 'unknown';
  #pre: Uint8Array = new Uint8Array(0);
  #tail: Uint8Array = new Uint8Array(0);
  #pendingCr = false;
  #exitCode: number | null = null;
  #done = false;

  constructor(marker: string) {
    const enc = new TextEncoder();
    this.#begin = enc.encode(`${marker}:begin:`);
    this.#end = enc.encode(`\n${marker}:end:`);
  }

  /** Feeds pty bytes; returns the command output that can be emitted now. */
  push(chunk: Uint8Array): Uint8Array {
    if (this.#done) return new Uint8Array(0);
    if (this.#mode === 'unknown') {
      const pre = concat(this.#pre, chunk);
      const at = indexOf(pre, this.#begin);
      if (at === -1) {
        this.#pre = pre.length > MAX_PREAMBLE ? pre.slice(pre.length - MAX_PREAMBLE) : pre;
        return new Uint8Array(0);
      }
      const lineEnd = pre.indexOf(LF, at);
      if (lineEnd === -1) {
        this.#pre = pre;
        return new Uint8Array(0);
      }
      const word = new TextDecoder().decode(pre.subarray(at + this.#begin.length, lineEnd)).trim();
      this.#mode = word === 'raw' ? 'raw' : 'crlf';
      this.#pre = pre.slice(0, at);
      return this.#body(pre.subarray(lineEnd + 1));
    }
    return this.#body(chunk);
  }

  /** Call at the end of the session: returns the rest of the output and the summary. */
  finish(): { rest: Uint8Array; summary: CommandOutputSummary } {
    let rest: Uint8Array = new Uint8Array(0);
    if (!this.#done && this.#mode !== 'unknown') {
      rest = this.#tail;
      if (this.#pendingCr) rest = concat(rest, Uint8Array.of(CR));
      this.#tail = new Uint8Array(0);
      this.#pendingCr = false;
    }
    this.#done = true;
    return { rest, summary: { mode: this.#mode, exitCode: this.#exitCode, preamble: this.#pre } };
  }

  #body(chunk: Uint8Array): Uint8Array {
    const data = concat(this.#tail, this.#mode === 'crlf' ? this.#fromCrlf(chunk) : chunk);
    const at = indexOf(data, this.#end);
    if (at !== -1) {
      const status = /^(\d{1,3})\r?\n/.exec(new TextDecoder().decode(data.subarray(at + this.#end.length)));
      if (status?.[1] !== undefined) {
        this.#exitCode = Number(status[1]);
        this.#done = true;
        this.#tail = new Uint8Array(0);
        return data.slice(0, at);
      }
      // The end line is not complete yet: keep it and everything after it.
      this.#tail = data.slice(at);
      return data.slice(0, at);
    }
    // Hold back only a suffix that could be the start of the end line, so output streams promptly.
    const keep = this.#possibleEndStart(data);
    this.#tail = data.slice(data.length - keep);
    return data.slice(0, data.length - keep);
  }

  /** Length of the longest suffix of `data` that is a proper prefix of the end pattern. */
  #possibleEndStart(data: Uint8Array): number {
    const end = this.#end;
    for (let k = Math.min(end.length - 1, data.length); k > 0; k--) {
      let match = true;
      for (let i = 0; i < k; i++) {
        if (data[data.length - k + i] !== end[i]) {
          match = false;
          break;
        }
      }
      if (match) return k;
    }
    return 0;
  }

  /** CRLF → LF, carrying a trailing CR into the next chunk. */
  #fromCrlf(chunk: Uint8Array): Uint8Array {
    const out: number[] = [];
    let i = 0;
    if (this.#pendingCr) {
      this.#pendingCr = false;
      if (chunk[0] !== LF) out.push(CR);
    }
    for (; i < chunk.length; i++) {
      const b = chunk[i] as number;
      if (b === CR) {
        if (i + 1 === chunk.length) {
          this.#pendingCr = true;
          continue;
        }
        if (chunk[i + 1] === LF) continue;
      }
      out.push(b);
    }
    return Uint8Array.from(out);
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  return Buffer.from(haystack.buffer, haystack.byteOffset, haystack.byteLength).indexOf(
    Buffer.from(needle.buffer, needle.byteOffset, needle.byteLength),
  );
}
