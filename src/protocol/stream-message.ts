/**
 * Builders for the sequenced stream frames (input_stream_data / output_stream_data).
 *
 * Flags as the Go sides send them (§1.8): the client always 0; the agent SYN (1) on seq 0, else 0.
 *
 * @see ssm-data-channel.md §1.8
 */
import type { AgentMessageInit } from './agent-message.js';
import { FLAG_SYN } from './constants.js';
import { MessageType } from './message-type.js';
import type { FrameStamp } from './payloads/acknowledge.js';

/** A client → agent stream frame (flags 0, as the plugin sends). */
export function buildInputStreamMessage(
  seq: bigint,
  payloadType: number,
  payload: Uint8Array,
  stamp: FrameStamp,
): AgentMessageInit {
  return {
    messageType: MessageType.InputStreamData,
    createdDate: stamp.createdDate,
    sequenceNumber: seq,
    flags: 0n,
    messageId: stamp.messageId,
    payloadType,
    payload,
  };
}

/** An agent → client stream frame (flags SYN on seq 0, as the agent sends). */
export function buildOutputStreamMessage(
  seq: bigint,
  payloadType: number,
  payload: Uint8Array,
  stamp: FrameStamp,
): AgentMessageInit {
  return {
    messageType: MessageType.OutputStreamData,
    createdDate: stamp.createdDate,
    sequenceNumber: seq,
    flags: seq === 0n ? FLAG_SYN : 0n,
    messageId: stamp.messageId,
    payloadType,
    payload,
  };
}

/** A control frame with seq 0, flags 3, PayloadType 0 (agent_session_state, and MGS frames). */
export function buildControlMessage(
  messageType: string,
  payload: Uint8Array,
  stamp: FrameStamp,
): AgentMessageInit {
  return {
    messageType,
    createdDate: stamp.createdDate,
    sequenceNumber: 0n,
    flags: 3n,
    messageId: stamp.messageId,
    payloadType: 0,
    payload,
  };
}
