/**
 * The `channel_closed` payload sent by MGS when the session is over.
 *
 * `{"MessageId":…,"CreatedDate":"<string>","DestinationId":…,"SessionId":…,"MessageType":"channel_closed","SchemaVersion":1,"Output":"<reason or empty>"}`
 * Its exact wire form from MGS is not public (§9), so decoding is lenient: only a JSON object is
 * required and every field defaults.
 *
 * @see ssm-data-channel.md §2.12
 * @see aws/session-manager-plugin src/message/clientmessage.go ChannelClosed
 */
import { type Decoded, decoded, decodeError } from '../result.js';
import { jsonBytes, parseJsonObject, stringField } from './json.js';

/** The content of a channel_closed message. */
export interface ChannelClosedContent {
  readonly messageId: string;
  readonly createdDate: string;
  readonly destinationId: string;
  readonly sessionId: string;
  readonly schemaVersion: number;
  /** The reason text ('' on a normal end). */
  readonly output: string;
}

/** The idle-timeout reason text MGS sends. @see §2.12, §6.7 */
export const IDLE_TIMEOUT_OUTPUT = 'Your session timed out due to inactivity and has been terminated.';

/** UTF-8 JSON of a channel_closed payload, in the Go key order. */
export function encodeChannelClosedPayload(c: ChannelClosedContent): Uint8Array {
  return jsonBytes({
    MessageId: c.messageId,
    CreatedDate: c.createdDate,
    DestinationId: c.destinationId,
    SessionId: c.sessionId,
    MessageType: 'channel_closed',
    SchemaVersion: c.schemaVersion,
    Output: c.output,
  });
}

/** Parses a channel_closed payload; missing fields default to '' (and SchemaVersion to 1). */
export function decodeChannelClosedPayload(bytes: Uint8Array): Decoded<ChannelClosedContent> {
  const parsed = parseJsonObject(bytes, 'channel_closed');
  if (!parsed.ok) return parsed;
  const o = parsed.value;
  const output = stringField(o, 'Output');
  if (output === undefined) return decodeError('PROTO_BAD_PAYLOAD', 'channel_closed: Output is not a string');
  const sv = o['SchemaVersion'];
  return decoded({
    messageId: stringField(o, 'MessageId') ?? '',
    createdDate:
      typeof o['CreatedDate'] === 'number' ? String(o['CreatedDate']) : (stringField(o, 'CreatedDate') ?? ''),
    destinationId: stringField(o, 'DestinationId') ?? '',
    sessionId: stringField(o, 'SessionId') ?? '',
    schemaVersion: typeof sv === 'number' ? sv : 1,
    output,
  });
}
