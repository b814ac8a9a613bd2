/**
 * The agent's UTF-8 handling of pty output, bug for bug (`processStdoutData`):
 *
 * The bytes read are appended to what was held back, then walked rune by rune with Go's
 * decoder. A RuneError within the last 3 bytes stops the walk: those bytes are held back for
 * the next read (so a code point is never split across payloads, and an invalid byte there
 * waits too). A RuneError earlier passes ONE byte through unchanged and skips the rune's
 * length: for invalid bytes that is 1, so they pass as they are; for a real U+FFFD (EF BF BD,
 * which Go also reports as RuneError, with length 3) only its first byte is sent, a quirk
 * of the agent that is reproduced here.
 *
 * @see AGENT agent/session/shell/shell.go processStdoutData; ssm-data-channel.md §2.5
 */

/** The result of {@link splitOutput}: bytes to send now and bytes to hold back. */
export interface SplitOutput {
  readonly send: Uint8Array;
  readonly keep: Uint8Array;
}

const UTF_MAX = 4;

/**
 * Go's utf8.DecodeRune: the length of the rune at `i` and whether it decoded to RuneError
 * (invalid or incomplete sequence → length 1; a literal U+FFFD → length 3).
 */
export function decodeRune(b: Uint8Array, i: number): { readonly size: number; readonly error: boolean } {
  const n = b.length - i;
  const c0 = b[i] as number;
  if (c0 < 0x80) return { size: 1, error: false };
  let size: number;
  let lo = 0x80;
  let hi = 0xbf;
  if (c0 >= 0xc2 && c0 <= 0xdf) size = 2;
  else if (c0 >= 0xe0 && c0 <= 0xef) {
    size = 3;
    if (c0 === 0xe0) lo = 0xa0;
    else if (c0 === 0xed) hi = 0x9f;
  } else if (c0 >= 0xf0 && c0 <= 0xf4) {
    size = 4;
    if (c0 === 0xf0) lo = 0x90;
    else if (c0 === 0xf4) hi = 0x8f;
  } else return { size: 1, error: true };
  if (n < size) return { size: 1, error: true };
  const c1 = b[i + 1] as number;
  if (c1 < lo || c1 > hi) return { size: 1, error: true };
  for (let k = 2; k < size; k++) {
    const c = b[i + k] as number;
    if (c < 0x80 || c > 0xbf) return { size: 1, error: true };
  }
  // U+FFFD itself decodes to RuneError (with its real length).
  const isReplacementChar = size === 3 && c0 === 0xef && c1 === 0xbf && b[i + 2] === 0xbd;
  return { size, error: isReplacementChar };
}

/** Splits held-back + fresh bytes into what the agent sends now and what it holds back. */
export function splitOutput(buf: Uint8Array): SplitOutput {
  const parts: Uint8Array[] = [];
  let segStart = 0;
  let i = 0;
  while (i < buf.length) {
    const { size, error } = decodeRune(buf, i);
    if (error) {
      if (buf.length - i < UTF_MAX) break;
      if (size !== 1) {
        // The U+FFFD quirk: one byte written, `size` bytes consumed.
        parts.push(buf.subarray(segStart, i + 1));
        segStart = i + size;
      }
    }
    i += size;
  }
  parts.push(buf.subarray(segStart, i));
  const send = parts.length === 1 ? (parts[0] as Uint8Array) : Buffer.concat(parts);
  return { send, keep: buf.slice(i) };
}
