/**
 * The `acknowledge` payload and the ack frame of a stream message.
 *
 * Compact JSON in this key order:
 * `{"AcknowledgedMessageType":…,"AcknowledgedMessageId":…,"AcknowledgedMessageSequenceNumber":5,"IsSequentialMessage":true}`.
 * Header: seq 0, flags 3 (SYN|FIN), PayloadType 0. Receivers match acks by sequence number only.
 *
 * @see ssm-data-channel.md §2.6, §1.8
 * @see aws/session-manager-plugin src/message/clientmessage.go AcknowledgeContent
 */
import type { AgentMessage, AgentMessageInit } from '../agent-message.js';
import { ACK_FLAGS } from '../constants.js';
import { MessageType } from '../message-type.js';
import { PayloadType } from '../payload-type.js';
import { type Decoded, decoded, decodeError } from '../result.js';
import { parseJsonObject } from './json.js';

const utf8 = new TextEncoder();

/** The content of an ack. */
export interface AcknowledgeContent {
  readonly acknowledgedMessageType: string;
  readonly acknowledgedMessageId: string;
  readonly acknowledgedMessageSequenceNumber: bigint;
  readonly isSequentialMessage: boolean;
}

/** UTF-8 JSON of an ack, in the Go key order. */
export function encodeAcknowledgePayload(ack: AcknowledgeContent): Uint8Array {
  // Built as text (one ack per received frame: this is on the hot path). The strings are
  // JSON-escaped; the bigint prints as a JSON integer.
  return utf8.encode(
    `{"AcknowledgedMessageType":${JSON.stringify(ack.acknowledgedMessageType)},"AcknowledgedMessageId":${JSON.stringify(ack.acknowledgedMessageId)},"AcknowledgedMessageSequenceNumber":${ack.acknowledgedMessageSequenceNumber.toString()},"IsSequentialMessage":${ack.isSequentialMessage}}`,
  );
}

/** Parses an ack payload. Only the sequence number is required (that is all receivers match on). */
export function decodeAcknowledgePayload(bytes: Uint8Array): Decoded<AcknowledgeContent> {
  const parsed = parseJsonObject(bytes, 'acknowledge');
  if (!parsed.ok) return parsed;
  const o = parsed.value;
  const seq = o['AcknowledgedMessageSequenceNumber'];
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq)) {
    return decodeError(
      'PROTO_BAD_PAYLOAD',
      'acknowledge: AcknowledgedMessageSequenceNumber is not an integer',
    );
  }
  const type = o['AcknowledgedMessageType'];
  const id = o['AcknowledgedMessageId'];
  return decoded({
    acknowledgedMessageType: typeof type === 'string' ? type : '',
    acknowledgedMessageId: typeof id === 'string' ? id : '',
    acknowledgedMessageSequenceNumber: BigInt(seq),
    isSequentialMessage: o['IsSequentialMessage'] !== false,
  });
}

/** Header fields of the ack frame that the caller supplies (no hidden clock or ids). */
export interface FrameStamp {
  readonly messageId: string;
  readonly createdDate: number;
}

/** The ack frame (ready for encodeAgentMessage) of one received stream message. */
export function buildAcknowledge(
  of: Pick<AgentMessage, 'messageType' | 'messageId' | 'sequenceNumber'>,
  stamp: FrameStamp,
): AgentMessageInit {
  return {
    messageType: MessageType.Acknowledge,
    createdDate: stamp.createdDate,
    sequenceNumber: 0n,
    flags: ACK_FLAGS,
    messageId: stamp.messageId,
    payloadType: PayloadType.None,
    payload: encodeAcknowledgePayload({
      acknowledgedMessageType: of.messageType,
      acknowledgedMessageId: of.messageId,
      acknowledgedMessageSequenceNumber: of.sequenceNumber,
      isSequentialMessage: true,
    }),
  };
}
