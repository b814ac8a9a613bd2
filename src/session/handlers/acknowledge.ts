/**
 * `acknowledge`: matched by sequence number only (§2.6). An ack also shows the channel is active,
 * so it clears a pause (what the agent does, §2.11).
 */
import { type AgentMessage, decodeAcknowledgePayload } from '../../protocol/index.js';
import type { HandlerPort } from './port.js';

/** Handles one acknowledge frame. */
export function handleAcknowledge(message: AgentMessage, port: HandlerPort): void {
  const ack = decodeAcknowledgePayload(message.payload);
  if (!ack.ok) {
    port.note('warn', 'SES_W0204', `unreadable acknowledge dropped: ${ack.error.message}`);
    return;
  }
  port.setPaused(false);
  port.acknowledged(ack.value.acknowledgedMessageSequenceNumber);
}
