/**
 * The result type of every decoder in src/protocol: decoding never throws, it returns a coded error.
 */
import { DiagError, type DiagErrorCode } from '../errors.js';

/** Success with a value, or a DiagError with a PROTO_* code. */
export type Decoded<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: DiagError };

/** A successful decode. */
export function decoded<T>(value: T): Decoded<T> {
  return { ok: true, value };
}

/** A failed decode with a stable code. */
export function decodeError<T = never>(code: DiagErrorCode, message: string): Decoded<T> {
  return { ok: false, error: new DiagError(code, message, { source: 'environment' }) };
}
