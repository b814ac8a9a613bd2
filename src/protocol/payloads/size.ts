/**
 * The terminal size payload (PayloadType 3): `{"cols":<uint32>,"rows":<uint32>}`, lowercase keys.
 *
 * @see ssm-data-channel.md §2.10
 */
import { type Decoded, decoded, decodeError } from '../result.js';
import { jsonBytes, parseJsonObject, uintField } from './json.js';

/** A terminal size. */
export interface SizeContent {
  readonly cols: number;
  readonly rows: number;
}

/** The fallback the plugin uses when it cannot read the terminal size. @see §2.5 */
export const FALLBACK_SIZE: SizeContent = { cols: 300, rows: 100 };

/** UTF-8 JSON of a size payload. */
export function encodeSizePayload(size: SizeContent): Uint8Array {
  return jsonBytes({ cols: size.cols, rows: size.rows });
}

/** Parses a size payload (both keys required, uint32). */
export function decodeSizePayload(bytes: Uint8Array): Decoded<SizeContent> {
  const parsed = parseJsonObject(bytes, 'size');
  if (!parsed.ok) return parsed;
  const cols = uintField(parsed.value, 'cols', 0xffff_ffff);
  const rows = uintField(parsed.value, 'rows', 0xffff_ffff);
  if (cols === undefined || rows === undefined)
    return decodeError('PROTO_BAD_PAYLOAD', 'size: cols/rows must be uint32');
  return decoded({ cols, rows });
}
