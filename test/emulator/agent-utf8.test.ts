/** The agent's UTF-8 hold-back of pty output (processStdoutData), bug for bug. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeRune, splitOutput } from '../../src/emulator/agent/utf8-holdback.js';

const bytes = (...b: number[]) => Uint8Array.from(b);
const hex = (u: Uint8Array) => Buffer.from(u).toString('hex');

describe('splitOutput', () => {
  it('sends complete text as it is', () => {
    const b = new TextEncoder().encode('aé€😀');
    expect(hex(splitOutput(b).send)).toBe(hex(b));
    expect(splitOutput(b).keep).toHaveLength(0);
  });

  it('holds back an incomplete sequence at the end', () => {
    const euro = [0xe2, 0x82, 0xac];
    const r = splitOutput(bytes(0x61, ...euro.slice(0, 2)));
    expect(hex(r.send)).toBe('61');
    expect(hex(r.keep)).toBe('e282');
    const next = splitOutput(Buffer.concat([r.keep, bytes(0xac, 0x62)]));
    expect(hex(next.send)).toBe('e282ac62');
  });

  it('passes invalid bytes through unless they are in the last 3 bytes', () => {
    const r = splitOutput(bytes(0xff, 0x61, 0x62, 0x63, 0x64, 0xff));
    expect(hex(r.send)).toBe('ff61626364');
    expect(hex(r.keep)).toBe('ff');
  });

  it("reproduces the agent's U+FFFD quirk: one byte sent, three consumed", () => {
    const r = splitOutput(bytes(0xef, 0xbf, 0xbd, 0x61, 0x62, 0x63, 0x64));
    expect(hex(r.send)).toBe('ef61626364');
  });

  it('decodes like Go: surrogates and overlongs are invalid', () => {
    expect(decodeRune(bytes(0xed, 0xa0, 0x80), 0)).toEqual({ size: 1, error: true });
    expect(decodeRune(bytes(0xc0, 0x80), 0)).toEqual({ size: 1, error: true });
    expect(decodeRune(bytes(0xf0, 0x9f, 0x98, 0x80), 0)).toEqual({ size: 4, error: false });
  });

  it('never splits a code point, whatever the read boundaries (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 200 }),
        fc.array(fc.integer({ min: 1, max: 16 }), { minLength: 1 }),
        (text, cuts) => {
          const all = new TextEncoder().encode(text);
          const sent: Uint8Array[] = [];
          let held: Uint8Array = new Uint8Array(0);
          let at = 0;
          for (let i = 0; at < all.length; i++) {
            const n = cuts[i % cuts.length] as number;
            const { send, keep } = splitOutput(Buffer.concat([held, all.subarray(at, at + n)]));
            at += n;
            held = keep;
            if (send.length > 0) sent.push(send);
          }
          const decoder = new TextDecoder('utf-8', { fatal: true });
          for (const s of sent) decoder.decode(s);
          expect(Buffer.concat([...sent, held]).toString('utf8')).toBe(text);
          expect(held.length).toBe(0);
        },
      ),
    );
  });
});
