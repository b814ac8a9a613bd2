/**
 * Dispatch of a decoded frame to its handler, by MessageType.
 * Acks, channel_closed and publication frames are handled at once, outside the sequence (§2.9).
 */
import { type AgentMessage, MessageType } from '../../protocol/index.js';
import { handleAcknowledge } from './acknowledge.js';
import { handleChannelClosed } from './channel-closed.js';
import { handleOutputStreamData } from './output-stream-data.js';
import type { HandlerPort } from './port.js';
import { handlePublication } from './publication.js';

export type { HandlerPort } from './port.js';

/** Routes one frame. */
export function handleFrame(message: AgentMessage, port: HandlerPort): void {
  switch (message.messageType) {
    case MessageType.OutputStreamData:
      handleOutputStreamData(message, port);
      return;
    case MessageType.Acknowledge:
      handleAcknowledge(message, port);
      return;
    case MessageType.ChannelClosed:
      handleChannelClosed(message, port);
      return;
    case MessageType.StartPublication:
    case MessageType.PausePublication:
      handlePublication(message, port);
      return;
    default:
      // agent_session_state and control-channel types: not for the client (§1.7).
      port.note('debug', 'SES_D0205', `ignored ${message.messageType} frame`);
  }
}
