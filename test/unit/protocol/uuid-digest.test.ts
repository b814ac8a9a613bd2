import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { digestEquals, payloadDigest, uuidFromWire, uuidToWire } from '../../../src/protocol/index.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('uuid halves swap (§1.4)', () => {
  it('writes the spec example least-significant half first', () => {
    expect(hex(uuidToWire('11111111-2222-3333-4444-555555555555'))).toBe('44445555555555551111111122223333');
  });
  it('reads it back as lowercase canonical text', () => {
    expect(uuidFromWire(uuidToWire('ABCDEF01-2345-6789-ABCD-EF0123456789'))).toBe(
      'abcdef01-2345-6789-abcd-ef0123456789',
    );
  });
  it('round-trips any uuid', () => {
    fc.assert(fc.property(fc.uuid(), (u) => uuidFromWire(uuidToWire(u)) === u.toLowerCase()));
  });
  it('rejects non-uuid text with PROTO_BAD_UUID', () => {
    expect(() => uuidToWire('not-a-uuid')).toThrowError(expect.objectContaining({ code: 'PROTO_BAD_UUID' }));
  });
});

describe('payload digest (§1.5)', () => {
  it('is SHA-256 of the empty payload', () => {
    expect(hex(payloadDigest(new Uint8Array()))).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });
  it('compares byte-wise', () => {
    const a = payloadDigest(new TextEncoder().encode('x'));
    const b = a.slice();
    expect(digestEquals(a, b)).toBe(true);
    b[31] = (b[31] ?? 0) ^ 1;
    expect(digestEquals(a, b)).toBe(false);
    expect(digestEquals(a, a.subarray(0, 31))).toBe(false);
  });
});
