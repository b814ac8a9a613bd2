import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CommandOutputFilter } from '../../../src/session/command-output.js';

const M = 'ECSDIAG_0123';
const enc = (s: string) => new TextEncoder().encode(s);

/** Feeds `stream` in pieces cut at `cuts`, returns what the filter emitted plus its summary. */
function feed(stream: Uint8Array, cuts: number[]) {
  const f = new CommandOutputFilter(M);
  const parts: Uint8Array[] = [];
  let at = 0;
  for (const c of [...cuts.map((x) => x % (stream.length + 1))].sort((a, b) => a - b)) {
    parts.push(f.push(stream.subarray(at, c)));
    at = c;
  }
  parts.push(f.push(stream.subarray(at)));
  const { rest, summary } = f.finish();
  parts.push(rest);
  return { out: Buffer.concat(parts), summary };
}

describe('CommandOutputFilter', () => {
  it('drops the preamble, the begin line, the added LF and the end line', () => {
    const { out, summary } = feed(enc(`banner\r\n${M}:begin:raw\nhello\n\n${M}:end:3\n`), []);
    expect(out.toString()).toBe('hello\n');
    expect(summary).toMatchObject({ mode: 'raw', exitCode: 3 });
    expect(Buffer.from(summary.preamble).toString()).toBe('banner\r\n');
  });

  it('output without a final newline stays without it', () => {
    expect(feed(enc(`${M}:begin:raw\nabc\n${M}:end:0\n`), []).out.toString()).toBe('abc');
  });

  it('turns CRLF back into LF when stty was missing', () => {
    const { out, summary } = feed(enc(`${M}:begin:crlf\r\na\r\nb\r\n\r\n${M}:end:1\r\n`), [5, 30, 31]);
    expect(out.toString()).toBe('a\nb\n');
    expect(summary.exitCode).toBe(1);
  });

  it('with no end line (session killed) keeps all output and reports no status', () => {
    const { out, summary } = feed(enc(`${M}:begin:raw\npartial output`), [3]);
    expect(out.toString()).toBe('partial output');
    expect(summary.exitCode).toBeNull();
  });

  it('with no begin line reports unknown mode and keeps the text as preamble', () => {
    const { out, summary } = feed(enc('exec: sh: not found\r\n'), []);
    expect(out.length).toBe(0);
    expect(summary.mode).toBe('unknown');
    expect(Buffer.from(summary.preamble).toString()).toMatch(/not found/);
  });

  it('any bytes, cut anywhere, come out exactly in raw mode', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 3000 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        fc.integer({ min: 0, max: 255 }),
        (body, cuts, status) => {
          const stream = Buffer.concat([enc(`pre\n${M}:begin:raw\n`), body, enc(`\n${M}:end:${status}\n`)]);
          const { out, summary } = feed(stream, cuts);
          expect(Buffer.compare(out, Buffer.from(body))).toBe(0);
          expect(summary.exitCode).toBe(status);
        },
      ),
      { numRuns: 500 },
    );
  });
});
