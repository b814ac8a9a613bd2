/**
 * The MessageId byte-order quirk: on the wire the UUID's two 64-bit halves are swapped.
 *
 * bytes 0..7 of the field = canonical bytes 8..15, bytes 8..15 = canonical bytes 0..7.
 * Example: `11111111-2222-3333-4444-555555555555` →
 * `44 44 55 55 55 55 55 55 11 11 11 11 22 22 33 33`.
 *
 * @see ssm-data-channel.md §1.4
 * @see aws/session-manager-plugin src/message/messageparser.go putUuid / getUuid
 */
import { DiagError } from '../errors.js';

const UUID_TEXT = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** True for hyphenated 8-4-4-4-12 hex text (any case). */
export function isUuidText(text: string): boolean {
  return UUID_TEXT.test(text);
}

/** The 16 canonical (RFC 4122 order) bytes of a UUID text. Throws PROTO_BAD_UUID on bad text. */
export function uuidToBytes(text: string): Uint8Array {
  // Parses and validates in one pass (this runs for every frame sent, acks included).
  const out = new Uint8Array(16);
  let ok = text.length === 36;
  for (let i = 0, j = 0; ok && i < 16; i++) {
    if (j === 8 || j === 13 || j === 18 || j === 23) {
      if (text.charCodeAt(j) !== 0x2d) ok = false;
      j++;
    }
    const hi = hexValue(text.charCodeAt(j));
    const lo = hexValue(text.charCodeAt(j + 1));
    if (hi < 0 || lo < 0) ok = false;
    out[i] = (hi << 4) | lo;
    j += 2;
  }
  if (!ok) throw new DiagError('PROTO_BAD_UUID', `not a UUID: ${JSON.stringify(text)}`);
  return out;
}

/** Value of one hex digit's char code, or -1. */
function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  return l >= 0x61 && l <= 0x66 ? l - 0x57 : -1;
}

const BYTE_HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Lowercase hyphenated text of 16 canonical bytes. */
export function uuidFromBytes(bytes: Uint8Array): string {
  let hex = '';
  for (let i = 0; i < 16; i++) hex += BYTE_HEX[bytes[i] ?? 0];
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The 16 wire bytes (halves swapped) of a UUID text. Throws PROTO_BAD_UUID on bad text. */
export function uuidToWire(text: string): Uint8Array {
  const canonical = uuidToBytes(text);
  const out = new Uint8Array(16);
  out.set(canonical.subarray(8, 16), 0);
  out.set(canonical.subarray(0, 8), 8);
  return out;
}

/** Writes the 16 wire bytes of a UUID text into `target` at `offset`. Throws PROTO_BAD_UUID. */
export function writeUuidWire(text: string, target: Uint8Array, offset: number): void {
  const canonical = uuidToBytes(text);
  for (let i = 0; i < 8; i++) {
    target[offset + i] = canonical[8 + i] as number;
    target[offset + 8 + i] = canonical[i] as number;
  }
}

/** The UUID text of 16 wire bytes (halves swapped back). Any 16 bytes are a valid id. */
export function uuidFromWire(wire: Uint8Array): string {
  const h = (i: number) => BYTE_HEX[wire[i] ?? 0] as string;
  // canonical bytes 0..7 are wire bytes 8..15; canonical 8..15 are wire 0..7
  return `${h(8)}${h(9)}${h(10)}${h(11)}-${h(12)}${h(13)}-${h(14)}${h(15)}-${h(0)}${h(1)}-${h(2)}${h(3)}${h(4)}${h(5)}${h(6)}${h(7)}`;
}
