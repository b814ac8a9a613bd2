/**
 * MessageType strings of the data channel.
 *
 * @see ssm-data-channel.md §1.7
 * @see aws/session-manager-plugin src/message/clientmessage.go
 */

/** Data-channel message types (client ↔ MGS ↔ agent). */
export const MessageType = {
  /** client → agent stream data (sequenced). */
  InputStreamData: 'input_stream_data',
  /** agent → client stream data (sequenced). */
  OutputStreamData: 'output_stream_data',
  /** Ack of one stream message (either direction). */
  Acknowledge: 'acknowledge',
  /** From MGS: the session is over. */
  ChannelClosed: 'channel_closed',
  /** From MGS: resume sending. */
  StartPublication: 'start_publication',
  /** From MGS: stop sending, the peer is not active. */
  PausePublication: 'pause_publication',
  /** agent → MGS session state (probably not forwarded to the client). */
  AgentSessionState: 'agent_session_state',
} as const;

/** A known data-channel message type. */
export type MessageTypeValue = (typeof MessageType)[keyof typeof MessageType];

/** True for the two sequenced (stream) message types. */
export function isStreamMessageType(type: string): boolean {
  return type === MessageType.InputStreamData || type === MessageType.OutputStreamData;
}

/**
 * True for frames the plugin exempts from all validation (§1.5): MGS publication frames,
 * whose wire form is not known (§9).
 */
export function isValidationExempt(type: string): boolean {
  return type === MessageType.StartPublication || type === MessageType.PausePublication;
}
