/**
 * Offsets and lengths of the SSM data-channel frame ("ClientMessage" / "AgentMessage").
 *
 * All integers are big-endian. The header is 120 bytes: every field below, in order, with no gaps.
 * The HeaderLength field holds the offset of PayloadLength (116), not the full header size: it
 * counts itself but not the 4-byte PayloadLength field.
 *
 * @see ssm-data-channel.md §1.1, §1.2
 * @see aws/session-manager-plugin src/message/clientmessage.go (ClientMessage_*Offset/Length)
 */

/** One fixed-size header field. */
export interface FieldSpec {
  readonly offset: number;
  readonly length: number;
}

/** Every header field, in wire order. */
export const FIELDS = {
  /** uint32, always written as {@link HEADER_LENGTH}. */
  headerLength: { offset: 0, length: 4 },
  /** ASCII, right-padded with spaces by Go writers; readers trim NUL and whitespace on both ends. */
  messageType: { offset: 4, length: 32 },
  /** uint32, always 1. */
  schemaVersion: { offset: 36, length: 4 },
  /** uint64, Unix epoch milliseconds. */
  createdDate: { offset: 40, length: 8 },
  /** int64 (signed), the stream sequence number; 0 for non-stream messages. */
  sequenceNumber: { offset: 48, length: 8 },
  /** uint64, bit0 = SYN, bit1 = FIN. */
  flags: { offset: 56, length: 8 },
  /** 16 bytes: the UUID with its two 64-bit halves swapped (least significant half first). */
  messageId: { offset: 64, length: 16 },
  /** 32 raw bytes: SHA-256 of the payload as transmitted. */
  payloadDigest: { offset: 80, length: 32 },
  /** uint32, see payload-type.ts. */
  payloadType: { offset: 112, length: 4 },
  /** uint32, cross-checked but never used to slice the payload (§1.2). */
  payloadLength: { offset: 116, length: 4 },
} as const satisfies Record<string, FieldSpec>;

/** The value writers put in the HeaderLength field: the offset of PayloadLength (116). */
export const HEADER_LENGTH = FIELDS.payloadLength.offset;

/** Where the payload starts in a Go-written frame: HL + 4 = 120. */
export const PAYLOAD_OFFSET = FIELDS.payloadLength.offset + FIELDS.payloadLength.length;

/** Smallest frame a reader accepts: the full header with an empty payload. */
export const MIN_FRAME_LENGTH = PAYLOAD_OFFSET;

/** The frame SchemaVersion written by both Go sides. @see §5 */
export const FRAME_SCHEMA_VERSION = 1;

/** Flag bits. Nobody checks them on receipt (§1.8); they are informational. */
export const FLAG_SYN = 1n;
export const FLAG_FIN = 2n;
/** The flags every acknowledge frame carries (SYN|FIN). @see §1.8 */
export const ACK_FLAGS = FLAG_SYN | FLAG_FIN;

/** MessageSchemaVersion of the open-data-channel text frame. @see §2.2, §5 */
export const OPEN_DATA_CHANNEL_SCHEMA_VERSION = '1.0';

/** Largest stream payload either Go side sends (StreamDataPayloadSize). @see §2.5, §5 */
export const STREAM_PAYLOAD_CHUNK = 1024;
