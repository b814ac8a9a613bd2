/**
 * The narrow port the message handlers see. Handlers never reach into the session.
 */
import type { EventLevel } from '../../deps.js';
import type { AgentMessage, HandshakeResponseContent, ReorderBuffer } from '../../protocol/index.js';
import type { SessionEvent } from '../state.js';

/** What a handler may do. */
export interface HandlerPort {
  /** The receive side of the output stream. */
  readonly incoming: ReorderBuffer<AgentMessage>;
  /** The client version to put into a HandshakeResponse. */
  readonly clientVersion: string;
  /** Sends an ack of a received stream message. */
  ack(message: AgentMessage): void;
  /** An ack for our input stream arrived. */
  acknowledged(seq: bigint): void;
  /** Appends bytes to the session's output. */
  emitOutput(bytes: Uint8Array): void;
  /** Sends a HandshakeResponse (a stream message allowed during the handshake). */
  sendHandshakeResponse(response: HandshakeResponseContent): void;
  /** Records the exit code carried by PayloadType 12 (NonInteractiveCommands only). */
  setRemoteExitCode(code: number): void;
  /** pause_publication / start_publication. */
  setPaused(paused: boolean): void;
  /** Feeds the state machine. */
  dispatch(event: SessionEvent): void;
  /** A coded diagnostic event. */
  note(level: EventLevel, code: string, message: string, data?: Record<string, unknown>): void;
  /** Counts a statistic. */
  count(stat: 'duplicates' | 'outOfOrder' | 'dropped'): void;
}
