/**
 * `output_stream_data`: sequence, ack, deliver in order (§2.6, §2.9).
 *
 * 1. Offer it to the reorder buffer.
 * 2. In order: ack it, then handle it and every buffered successor (buffered ones were acked on arrival).
 * 3. Ahead: ack and keep it. Duplicate: re-ack it (the plugin does not; a lost ack would then make the
 *    agent resend forever). Buffer full: drop without an ack, the agent resends.
 */
import type { AgentMessage } from '../../protocol/index.js';
import type { HandlerPort } from './port.js';
import { handleStreamPayload } from './stream-payload.js';

/** Handles one output_stream_data frame. */
export function handleOutputStreamData(message: AgentMessage, port: HandlerPort): void {
  const outcome = port.incoming.offer(message.sequenceNumber, message);
  switch (outcome.kind) {
    case 'deliver':
      port.ack(message);
      for (const item of outcome.items) handleStreamPayload(item, port);
      return;
    case 'buffered':
      port.count('outOfOrder');
      port.ack(message);
      return;
    case 'duplicate':
      port.count('duplicates');
      port.ack(message);
      return;
    case 'full':
      port.count('dropped');
      port.note('warn', 'SES_W0203', 'out-of-order buffer full: frame dropped without an ack', {
        seq: message.sequenceNumber.toString(),
      });
      return;
  }
}
