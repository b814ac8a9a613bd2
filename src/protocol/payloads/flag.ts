/**
 * The Flag payload (PayloadType 10): a 4-byte big-endian uint32 (port sessions only).
 *
 * @see ssm-data-channel.md §1.6
 */
import { type Decoded, decoded, decodeError } from '../result.js';

/** The 4 bytes of a flag payload. */
export function encodeFlagPayload(flag: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, flag);
  return out;
}

/** Reads a flag payload (exactly 4 bytes). */
export function decodeFlagPayload(bytes: Uint8Array): Decoded<number> {
  if (bytes.length !== 4)
    return decodeError('PROTO_BAD_PAYLOAD', `flag payload of ${bytes.length} bytes, expected 4`);
  return decoded(new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0));
}
