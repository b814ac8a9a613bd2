/**
 * `channel_closed`: the session is over. An empty Output is a normal end (the command's pty
 * ended); a non-empty one is the service's reason (idle timeout, terminate...). §2.12
 */
import { type AgentMessage, decodeChannelClosedPayload } from '../../protocol/index.js';
import type { HandlerPort } from './port.js';

/** Handles one channel_closed frame. */
export function handleChannelClosed(message: AgentMessage, port: HandlerPort): void {
  const closed = decodeChannelClosedPayload(message.payload);
  // An unreadable payload still means the channel is closed; keep its text as the reason.
  const output = closed.ok ? closed.value.output : new TextDecoder().decode(message.payload);
  port.dispatch({ type: 'channel-closed', output });
}
