/**
 * Encode and decode one data-channel frame (§1). Pure: no clock, no id generation; `createdDate`,
 * `messageId` and `sequenceNumber` are fields of the input.
 *
 * Decoding never throws and never reads out of bounds: it returns `{ok:false, error}` with a
 * PROTO_* code. Lenient mode (the default) accepts what the Go readers accept; strict mode also
 * rejects what the plugin's `Validate()` rejects (bad digest, zero CreatedDate) plus header and
 * payload lengths that disagree with the bytes, and unknown payload types.
 *
 * @see ssm-data-channel.md §1, §8
 * @see aws/session-manager-plugin src/message/messageparser.go (Serialize/DeserializeClientMessage, Validate)
 */
import { DiagError, type DiagErrorCode } from '../errors.js';
import {
  FIELDS,
  FRAME_SCHEMA_VERSION,
  HEADER_LENGTH,
  MIN_FRAME_LENGTH,
  PAYLOAD_OFFSET,
} from './constants.js';
import { DIGEST_LENGTH, digestEquals, payloadDigest } from './digest.js';
import { isValidationExempt, MessageType } from './message-type.js';
import { isKnownPayloadType } from './payload-type.js';
import { uuidFromWire, writeUuidWire } from './uuid.js';

/** A decoded frame. */
export interface AgentMessage {
  /** Trimmed of NUL and whitespace on both sides. */
  readonly messageType: string;
  readonly schemaVersion: number;
  /** Unix epoch milliseconds. */
  readonly createdDate: number;
  /** Signed 64-bit. */
  readonly sequenceNumber: bigint;
  /** Unsigned 64-bit; bit0 SYN, bit1 FIN. */
  readonly flags: bigint;
  /** Lowercase hyphenated UUID text (canonical order, halves already swapped back). */
  readonly messageId: string;
  readonly payloadType: number;
  /** The payload bytes (a copy, never a view of the frame). */
  readonly payload: Uint8Array;
  /** The 32 digest bytes as carried on the wire. */
  readonly payloadDigest: Uint8Array;
}

/** What {@link encodeAgentMessage} needs. */
export interface AgentMessageInit {
  readonly messageType: string;
  /** @default 1 */
  readonly schemaVersion?: number;
  readonly createdDate: number;
  readonly sequenceNumber: bigint;
  /** @default 0n */
  readonly flags?: bigint;
  readonly messageId: string;
  readonly payloadType: number;
  readonly payload: Uint8Array;
  /** Override the digest (fault injection, vectors). @default SHA-256 of `payload` */
  readonly payloadDigest?: Uint8Array;
}

/** Options of {@link decodeAgentMessage}. */
export interface DecodeOptions {
  /** Reject what the plugin rejects (bad digest...) and any length disagreement. @default false */
  readonly strict?: boolean;
}

/** The result of {@link decodeAgentMessage}. */
export type DecodeResult =
  | { readonly ok: true; readonly message: AgentMessage }
  | { readonly ok: false; readonly error: DiagError };

const UINT32_MAX = 0xffff_ffff;
/** High 32 bits of Number.MAX_SAFE_INTEGER (2^53 − 1). */
const MAX_SAFE_HIGH = 0x1f_ffff;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/**
 * Serializes a frame the way the Go sides do: HL = 116, type right-padded with spaces, UUID halves
 * swapped, SHA-256 digest, PayloadLength = payload length. Throws PROTO_INVALID_FIELD (a bug of
 * the caller) on a field that cannot be written.
 */
export function encodeAgentMessage(msg: AgentMessageInit): Uint8Array {
  const schemaVersion = msg.schemaVersion ?? FRAME_SCHEMA_VERSION;
  const flags = msg.flags ?? 0n;
  if (!KNOWN_TYPES.has(msg.messageType)) checkMessageType(msg.messageType);
  checkUint32(schemaVersion, 'schemaVersion');
  checkUint32(msg.payloadType, 'payloadType');
  if (!Number.isSafeInteger(msg.createdDate) || msg.createdDate < 0) {
    throw invalid(`createdDate must be a non-negative safe integer, not ${msg.createdDate}`);
  }
  if (msg.sequenceNumber < INT64_MIN || msg.sequenceNumber > INT64_MAX) {
    throw invalid(`sequenceNumber out of int64 range: ${msg.sequenceNumber}`);
  }
  if (flags < 0n || flags > UINT64_MAX) throw invalid(`flags out of uint64 range: ${flags}`);
  const digest = msg.payloadDigest ?? payloadDigest(msg.payload);
  if (digest.length !== DIGEST_LENGTH) throw invalid(`payloadDigest must be ${DIGEST_LENGTH} bytes`);
  if (msg.payload.length > UINT32_MAX) throw invalid('payload too large');

  const frame = new Uint8Array(PAYLOAD_OFFSET + msg.payload.length);
  const view = new DataView(frame.buffer);
  view.setUint32(FIELDS.headerLength.offset, HEADER_LENGTH);
  frame.fill(0x20, FIELDS.messageType.offset, FIELDS.messageType.offset + FIELDS.messageType.length);
  for (let i = 0; i < msg.messageType.length; i++) {
    frame[FIELDS.messageType.offset + i] = msg.messageType.charCodeAt(i);
  }
  view.setUint32(FIELDS.schemaVersion.offset, schemaVersion);
  view.setUint32(FIELDS.createdDate.offset, Math.floor(msg.createdDate / 2 ** 32));
  view.setUint32(FIELDS.createdDate.offset + 4, msg.createdDate >>> 0);
  view.setBigInt64(FIELDS.sequenceNumber.offset, msg.sequenceNumber);
  view.setBigUint64(FIELDS.flags.offset, flags);
  writeUuidWire(msg.messageId, frame, FIELDS.messageId.offset);
  frame.set(digest, FIELDS.payloadDigest.offset);
  view.setUint32(FIELDS.payloadType.offset, msg.payloadType);
  view.setUint32(FIELDS.payloadLength.offset, msg.payload.length);
  frame.set(msg.payload, PAYLOAD_OFFSET);
  return frame;
}

/**
 * Parses one frame. Never throws; never reads outside `bytes`.
 *
 * 1. At least the 120-byte header must be there (PROTO_SHORT_FRAME).
 * 2. HL must be ≥ 116 and HL + 4 ≤ the frame length; strict: HL = 116 (PROTO_BAD_HEADER_LENGTH).
 * 3. The type is trimmed of NUL/whitespace on both ends and must be printable ASCII (PROTO_BAD_MESSAGE_TYPE).
 * 4. CreatedDate must fit a double exactly; strict: ≠ 0 (PROTO_INVALID_FIELD).
 * 5. Payload = `bytes[HL+4:]`; PayloadLength larger than that is a truncated frame, smaller is
 *    accepted like Go does unless strict (PROTO_BAD_PAYLOAD_LENGTH).
 * 6. Strict: known payload type (PROTO_UNKNOWN_PAYLOAD_TYPE) and the digest of a non-empty payload
 *    (PROTO_BAD_DIGEST). Publication frames are exempt from strict checks, as in the plugin.
 */
export function decodeAgentMessage(bytes: Uint8Array, options: DecodeOptions = {}): DecodeResult {
  try {
    return decodeUnchecked(bytes, options.strict === true);
  } catch (cause) {
    // Defensive: every path above returns a coded error; this keeps the "never throws" promise.
    return fail('PROTO_INVALID_FIELD', `undecodable frame: ${String(cause)}`);
  }
}

function decodeUnchecked(bytes: Uint8Array, strict: boolean): DecodeResult {
  if (bytes.length < MIN_FRAME_LENGTH) {
    return fail(
      'PROTO_SHORT_FRAME',
      `frame of ${bytes.length} bytes is shorter than the ${MIN_FRAME_LENGTH}-byte header`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(FIELDS.headerLength.offset);
  if (
    headerLength < HEADER_LENGTH ||
    headerLength + 4 > bytes.length ||
    (strict && headerLength !== HEADER_LENGTH)
  ) {
    return fail(
      'PROTO_BAD_HEADER_LENGTH',
      `header length ${headerLength} (expected ${HEADER_LENGTH}, frame ${bytes.length} bytes)`,
    );
  }
  const messageType = readMessageType(bytes);
  if (messageType === undefined)
    return fail('PROTO_BAD_MESSAGE_TYPE', 'message type is empty or not printable ASCII');
  const exempt = isValidationExempt(messageType);

  // Two 32-bit halves: no BigInt on the hot path. Above 2^53 a double is no longer exact.
  const dateHigh = view.getUint32(FIELDS.createdDate.offset);
  const dateLow = view.getUint32(FIELDS.createdDate.offset + 4);
  if (dateHigh > MAX_SAFE_HIGH) {
    return fail(
      'PROTO_INVALID_FIELD',
      `createdDate ${view.getBigUint64(FIELDS.createdDate.offset)} is not a plausible epoch-ms value`,
    );
  }
  const createdDate = dateHigh * 2 ** 32 + dateLow;
  if (strict && !exempt && createdDate === 0) return fail('PROTO_INVALID_FIELD', 'createdDate is 0');

  const payloadStart = headerLength + 4;
  const actualLength = bytes.length - payloadStart;
  const declaredLength = view.getUint32(FIELDS.payloadLength.offset);
  if (declaredLength > actualLength || (strict && declaredLength !== actualLength)) {
    return fail(
      'PROTO_BAD_PAYLOAD_LENGTH',
      `payload length field says ${declaredLength}, frame carries ${actualLength}`,
    );
  }
  const payloadType = view.getUint32(FIELDS.payloadType.offset);
  if (strict && !exempt && !isKnownPayloadType(payloadType)) {
    return fail('PROTO_UNKNOWN_PAYLOAD_TYPE', `unknown payload type ${payloadType}`);
  }
  const payload = new Uint8Array(bytes.subarray(payloadStart));
  const digest = new Uint8Array(
    bytes.subarray(FIELDS.payloadDigest.offset, FIELDS.payloadDigest.offset + FIELDS.payloadDigest.length),
  );
  if (strict && !exempt && payload.length !== 0 && !digestEquals(digest, payloadDigest(payload))) {
    return fail('PROTO_BAD_DIGEST', 'payload digest does not match SHA-256 of the payload');
  }
  return {
    ok: true,
    message: {
      messageType,
      schemaVersion: view.getUint32(FIELDS.schemaVersion.offset),
      createdDate,
      sequenceNumber: view.getBigInt64(FIELDS.sequenceNumber.offset),
      flags: view.getBigUint64(FIELDS.flags.offset),
      messageId: uuidFromWire(
        bytes.subarray(FIELDS.messageId.offset, FIELDS.messageId.offset + FIELDS.messageId.length),
      ),
      payloadType,
      payload,
      payloadDigest: digest,
    },
  };
}

const KNOWN_TYPES: ReadonlySet<string> = new Set(Object.values(MessageType));

/** The 32-byte type fields Go writers produce for the common types (fast path of the decoder). */
const KNOWN_TYPE_FIELDS: ReadonlyArray<readonly [string, Uint8Array]> = Object.values(MessageType).map(
  (t) => {
    const field = new Uint8Array(FIELDS.messageType.length).fill(0x20);
    for (let i = 0; i < t.length; i++) field[i] = t.charCodeAt(i);
    return [t, field] as const;
  },
);

/** The type text with NUL and whitespace trimmed from both ends, or undefined if empty/invalid. */
function readMessageType(bytes: Uint8Array): string | undefined {
  for (const [type, field] of KNOWN_TYPE_FIELDS) {
    if (bytes[FIELDS.messageType.offset] === field[0] && sameBytes(bytes, FIELDS.messageType.offset, field))
      return type;
  }
  let start = FIELDS.messageType.offset;
  let end = start + FIELDS.messageType.length;
  while (start < end && isPadding(bytes[start] ?? 0)) start++;
  while (end > start && isPadding(bytes[end - 1] ?? 0)) end--;
  if (start === end) return undefined;
  let text = '';
  for (let i = start; i < end; i++) {
    const b = bytes[i] ?? 0;
    if (b < 0x20 || b > 0x7e) return undefined;
    text += String.fromCharCode(b);
  }
  return text;
}

function sameBytes(bytes: Uint8Array, at: number, field: Uint8Array): boolean {
  for (let i = 0; i < field.length; i++) if (bytes[at + i] !== field[i]) return false;
  return true;
}

/** NUL or ASCII whitespace (what Go's trims remove). */
function isPadding(b: number): boolean {
  return b === 0x00 || b === 0x20 || (b >= 0x09 && b <= 0x0d);
}

function checkMessageType(type: string): void {
  if (
    type.length === 0 ||
    type.length > FIELDS.messageType.length ||
    !/^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/.test(type)
  ) {
    throw invalid(
      `messageType must be 1-${FIELDS.messageType.length} printable ASCII characters: ${JSON.stringify(type)}`,
    );
  }
}

function checkUint32(n: number, name: string): void {
  if (!Number.isInteger(n) || n < 0 || n > UINT32_MAX) throw invalid(`${name} must be a uint32, not ${n}`);
}

function invalid(message: string): DiagError {
  return new DiagError('PROTO_INVALID_FIELD', message, { source: 'tool' });
}

function fail(code: DiagErrorCode, message: string): DecodeResult {
  return { ok: false, error: new DiagError(code, message, { source: 'environment' }) };
}
