/**
 * The frames the gateway writes, on the project's codec, stamped with ids and times from
 * {@link Deps} (the codec itself never reads a clock or makes ids).
 *
 * Wire choices for the frames whose MGS form is not public (§9.1): `channel_closed` is a control
 * frame like `acknowledge` (seq 0, flags 3, PayloadType 0, correct digest) and its JSON
 * `CreatedDate` is an ISO-8601 UTC string.
 *
 * @see ssm-data-channel.md §1.8, §2.6, §2.12
 */
import type { Deps } from '../../deps.js';
import {
  type AgentMessage,
  buildAcknowledge,
  buildControlMessage,
  buildOutputStreamMessage,
  encodeAgentMessage,
  encodeChannelClosedPayload,
  type FrameStamp,
  MessageType,
  PayloadType,
} from '../../protocol/index.js';

/** Builds encoded frames with fresh MessageIds and the current time. */
export class FrameFactory {
  readonly #deps: Deps;

  constructor(deps: Deps) {
    this.#deps = deps;
  }

  /** An `output_stream_data` frame (PayloadType 1; flags SYN on seq 0). */
  output(seq: bigint, payload: Uint8Array): Uint8Array {
    return encodeAgentMessage(buildOutputStreamMessage(seq, PayloadType.Output, payload, this.#stamp()));
  }

  /** The `acknowledge` frame of a received stream message (seq 0, flags 3, PayloadType 0). */
  ack(of: Pick<AgentMessage, 'messageType' | 'messageId' | 'sequenceNumber'>): Uint8Array {
    return encodeAgentMessage(buildAcknowledge(of, this.#stamp()));
  }

  /** A `channel_closed` frame with `output` as the reason ('' on a normal end). */
  channelClosed(sessionId: string, output: string, destinationId = ''): Uint8Array {
    const stamp = this.#stamp();
    const payload = encodeChannelClosedPayload({
      messageId: stamp.messageId,
      createdDate: new Date(stamp.createdDate).toISOString(),
      destinationId,
      sessionId,
      schemaVersion: 1,
      output,
    });
    return encodeAgentMessage(buildControlMessage(MessageType.ChannelClosed, payload, stamp));
  }

  #stamp(): FrameStamp {
    return { messageId: this.#deps.ids.uuid(), createdDate: this.#deps.clock.now() };
  }
}
