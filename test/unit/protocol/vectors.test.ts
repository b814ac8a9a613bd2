/**
 * Golden vectors (style.md P3): every positive decodes to its .json form (and, when canonical,
 * encodes back to the same bytes); every negative fails with its specific code.
 * Vectors are written by test/vectors/make-vectors.py, independently of the TS encoder.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeAgentMessage, encodeAgentMessage } from '../../../src/protocol/index.js';

const ROOT = resolve(import.meta.dirname, '../../vectors/agent-message');

interface PositiveJson {
  canonical: boolean;
  messageType: string;
  schemaVersion: number;
  createdDate: number;
  sequenceNumber: string;
  flags: string;
  messageId: string;
  payloadType: number;
  payloadHex: string;
  payloadDigestHex: string;
}

function load(kind: 'positive' | 'negative') {
  const dir = join(ROOT, kind);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.bin'))
    .map((f) => {
      const name = f.slice(0, -4);
      return {
        name,
        bytes: new Uint8Array(readFileSync(join(dir, f))),
        meta: JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as unknown,
      };
    });
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('agent-message vectors', () => {
  const positives = load('positive');
  const negatives = load('negative');

  it('has vectors', () => {
    expect(positives.length).toBeGreaterThanOrEqual(8);
    expect(negatives.length).toBeGreaterThanOrEqual(12);
  });

  it.each(positives)('positive $name decodes to its json form', ({ bytes, meta }) => {
    const m = meta as PositiveJson;
    const r = decodeAgentMessage(bytes);
    if (!r.ok) throw r.error;
    expect({
      messageType: r.message.messageType,
      schemaVersion: r.message.schemaVersion,
      createdDate: r.message.createdDate,
      sequenceNumber: r.message.sequenceNumber.toString(),
      flags: r.message.flags.toString(),
      messageId: r.message.messageId,
      payloadType: r.message.payloadType,
      payloadHex: hex(r.message.payload),
      payloadDigestHex: hex(r.message.payloadDigest),
    }).toEqual({
      messageType: m.messageType,
      schemaVersion: m.schemaVersion,
      createdDate: m.createdDate,
      sequenceNumber: m.sequenceNumber,
      flags: m.flags,
      messageId: m.messageId,
      payloadType: m.payloadType,
      payloadHex: m.payloadHex,
      payloadDigestHex: m.payloadDigestHex,
    });
  });

  it.each(positives.filter((p) => (p.meta as PositiveJson).canonical))(
    'positive $name encodes back byte for byte and passes strict decode',
    ({ bytes, meta }) => {
      const m = meta as PositiveJson;
      const encoded = encodeAgentMessage({
        messageType: m.messageType,
        schemaVersion: m.schemaVersion,
        createdDate: m.createdDate,
        sequenceNumber: BigInt(m.sequenceNumber),
        flags: BigInt(m.flags),
        messageId: m.messageId,
        payloadType: m.payloadType,
        payload: new Uint8Array(Buffer.from(m.payloadHex, 'hex')),
      });
      expect(hex(encoded)).toBe(hex(bytes));
      expect(decodeAgentMessage(bytes, { strict: true }).ok).toBe(true);
    },
  );

  it.each(negatives)('negative $name fails with its code', ({ bytes, meta }) => {
    const m = meta as { code: string; strict: boolean };
    const r = decodeAgentMessage(bytes, { strict: m.strict });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe(m.code);
  });

  it('the §1.9 vector is 141 bytes with HL 116 and a 21-byte payload', () => {
    const v = positives.find((p) => p.name === 'spec-1-9-size');
    expect(v?.bytes.length).toBe(141);
    expect(hex(v?.bytes.subarray(0, 4) ?? new Uint8Array())).toBe('00000074');
  });
});
