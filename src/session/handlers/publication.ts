/**
 * `pause_publication` / `start_publication` from MGS (§2.11). While paused the client holds new
 * input and stops retransmitting; start (or any ack) resumes. The plugin treats both as no-ops and
 * keeps retransmitting; holding back is what the agent does and spares a paused peer.
 */
import { type AgentMessage, MessageType } from '../../protocol/index.js';
import type { HandlerPort } from './port.js';

/** Handles one publication frame. */
export function handlePublication(message: AgentMessage, port: HandlerPort): void {
  port.setPaused(message.messageType === MessageType.PausePublication);
}
