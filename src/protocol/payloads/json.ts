/**
 * JSON payload helpers shared by the payload codecs: UTF-8 text in, one object out, coded errors.
 */
import { type Decoded, decoded, decodeError } from '../result.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

/** UTF-8 bytes of compact JSON (key order as given). */
export function jsonBytes(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}

/** Parses a payload as one JSON object (PROTO_BAD_PAYLOAD otherwise). */
export function parseJsonObject(bytes: Uint8Array, what: string): Decoded<Record<string, unknown>> {
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(bytes));
  } catch {
    return decodeError('PROTO_BAD_PAYLOAD', `${what}: payload is not UTF-8 JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return decodeError('PROTO_BAD_PAYLOAD', `${what}: payload is not a JSON object`);
  }
  return decoded(value as Record<string, unknown>);
}

/** A string field, '' when absent or null; undefined when of another type. */
export function stringField(obj: Record<string, unknown>, key: string): string | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return '';
  return typeof v === 'string' ? v : undefined;
}

/** A non-negative integer field; undefined when absent or not one. */
export function uintField(
  obj: Record<string, unknown>,
  key: string,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  const v = obj[key];
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max ? v : undefined;
}
