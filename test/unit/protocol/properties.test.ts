/**
 * Properties of the codec: encode → decode is the identity; no byte string makes decode throw or
 * return anything but a coded PROTO_* error.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isDiagError } from '../../../src/errors.js';
import {
  type AgentMessageInit,
  decodeAgentMessage,
  encodeAgentMessage,
} from '../../../src/protocol/index.js';

const typeChar = fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c));
const messageType = fc.string({ unit: typeChar, minLength: 1, maxLength: 32 });

const message: fc.Arbitrary<AgentMessageInit> = fc.record({
  messageType,
  schemaVersion: fc.integer({ min: 0, max: 0xffff_ffff }),
  createdDate: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
  sequenceNumber: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  flags: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
  messageId: fc.uuid().map((u) => u.toLowerCase()),
  payloadType: fc.integer({ min: 0, max: 12 }),
  payload: fc.uint8Array({ maxLength: 2048 }),
});

function expectCodedOrOk(bytes: Uint8Array, strict: boolean): void {
  const r = decodeAgentMessage(bytes, { strict });
  if (!r.ok) {
    expect(isDiagError(r.error)).toBe(true);
    expect(r.error.code.startsWith('PROTO_')).toBe(true);
  }
}

describe('codec properties', () => {
  it('decode(encode(m)) == m, strict', () => {
    fc.assert(
      fc.property(message, (m) => {
        const r = decodeAgentMessage(encodeAgentMessage(m), { strict: true });
        if (!r.ok) throw r.error;
        const { payloadDigest: _d, ...rest } = r.message;
        expect(rest).toEqual(m);
      }),
      { numRuns: 300 },
    );
  });

  it('encode(decode(b)) == b for every encoded frame', () => {
    fc.assert(
      fc.property(message, (m) => {
        const b = encodeAgentMessage(m);
        const r = decodeAgentMessage(b);
        if (!r.ok) throw r.error;
        expect(Buffer.from(encodeAgentMessage(r.message)).equals(Buffer.from(b))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('arbitrary bytes never throw and only give PROTO_* errors', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.boolean(), (b, strict) => expectCodedOrOk(b, strict)),
      { numRuns: 2000 },
    );
  });

  it('mutated valid frames never throw', () => {
    const mutation = fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
      minLength: 1,
      maxLength: 8,
    });
    fc.assert(
      fc.property(message, mutation, fc.nat(), fc.boolean(), (m, edits, cut, strict) => {
        const b = encodeAgentMessage(m).slice();
        for (const [pos, val] of edits) b[pos % b.length] = val;
        expectCodedOrOk(b, strict);
        expectCodedOrOk(b.subarray(0, cut % (b.length + 1)), strict);
      }),
      { numRuns: 1000 },
    );
  });

  it('decodes a view into a larger buffer without reading outside it', () => {
    const frame = encodeAgentMessage({
      messageType: 'output_stream_data',
      createdDate: 1,
      sequenceNumber: 1n,
      messageId: '11111111-2222-3333-4444-555555555555',
      payloadType: 1,
      payload: new TextEncoder().encode('abc'),
    });
    const big = new Uint8Array(frame.length + 20).fill(0x41);
    big.set(frame, 10);
    const r = decodeAgentMessage(big.subarray(10, 10 + frame.length), { strict: true });
    if (!r.ok) throw r.error;
    expect(new TextDecoder().decode(r.message.payload)).toBe('abc');
  });

  it('encode rejects fields that cannot be written', () => {
    const base: AgentMessageInit = {
      messageType: 'x',
      createdDate: 1,
      sequenceNumber: 0n,
      messageId: '11111111-2222-3333-4444-555555555555',
      payloadType: 1,
      payload: new Uint8Array(),
    };
    for (const bad of [
      { messageType: 'a'.repeat(33) },
      { messageType: '' },
      { messageType: 'tÿpe' },
      { sequenceNumber: 2n ** 63n },
      { flags: -1n },
      { payloadType: -1 },
      { createdDate: 1.5 },
      { payloadDigest: new Uint8Array(31) },
    ]) {
      expect(() => encodeAgentMessage({ ...base, ...bad })).toThrowError(
        expect.objectContaining({ code: 'PROTO_INVALID_FIELD' }),
      );
    }
    expect(() => encodeAgentMessage({ ...base, messageId: 'nope' })).toThrowError(
      expect.objectContaining({ code: 'PROTO_BAD_UUID' }),
    );
  });
});
