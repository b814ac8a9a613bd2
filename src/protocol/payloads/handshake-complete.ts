/**
 * HandshakeComplete (PayloadType 7, agent → client):
 * `{"HandshakeTimeToComplete":<int nanoseconds>,"CustomerMessage":"…"}`.
 * The plugin prints a non-empty CustomerMessage followed by a newline.
 *
 * @see ssm-data-channel.md §2.3 step 4
 */
import { type Decoded, decoded, decodeError } from '../result.js';
import { jsonBytes, parseJsonObject, stringField } from './json.js';

/** The content of a HandshakeComplete. */
export interface HandshakeCompleteContent {
  /** A Go time.Duration: integer nanoseconds. */
  readonly handshakeTimeToComplete: number;
  readonly customerMessage: string;
}

/** UTF-8 JSON of a HandshakeComplete. */
export function encodeHandshakeCompletePayload(c: HandshakeCompleteContent): Uint8Array {
  return jsonBytes({
    HandshakeTimeToComplete: c.handshakeTimeToComplete,
    CustomerMessage: c.customerMessage,
  });
}

/** Parses a HandshakeComplete. */
export function decodeHandshakeCompletePayload(bytes: Uint8Array): Decoded<HandshakeCompleteContent> {
  const parsed = parseJsonObject(bytes, 'handshake complete');
  if (!parsed.ok) return parsed;
  const t = parsed.value['HandshakeTimeToComplete'];
  const msg = stringField(parsed.value, 'CustomerMessage');
  if (msg === undefined)
    return decodeError('PROTO_BAD_PAYLOAD', 'handshake complete: CustomerMessage is not a string');
  return decoded({ handshakeTimeToComplete: typeof t === 'number' ? t : 0, customerMessage: msg });
}
