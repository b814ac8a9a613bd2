/**
 * The session's state machine: one `phase` union and a pure `transition(state, event)`.
 *
 *              connected             first output (PayloadType 1)
 *  connecting ──────────► awaiting-type ─────────────────────────► open
 *      │                      │  handshake request                  ▲
 *      │ connect failed       ▼                 handshake complete  │
 *      ▼                  handshaking ──────────────────────────────┘
 *    ended ◄── channel_closed / abort / fail (from any phase)
 *      ▲
 *      │ resume failed         dropped (with resume)
 *  reconnecting ◄───────────── awaiting-type | handshaking | open
 *      │ connected
 *      └──────────────────────► the phase it left (resumeTo)
 *
 * Without a resume callback a drop ends the session as `connection-lost`.
 * Input is allowed only in `open` (§2.4: nothing before the first output or HandshakeComplete).
 *
 * @see ssm-data-channel.md §2.3, §2.4, §2.12, §2.15
 */
import type { DiagError } from '../errors.js';
import type { SessionEnd } from './session-end.js';

/** A phase that a reconnect returns to. */
export type LivePhase = 'awaiting-type' | 'handshaking' | 'open';

/** The session's state. */
export type SessionState =
  | { readonly phase: 'connecting' }
  | { readonly phase: LivePhase }
  | { readonly phase: 'reconnecting'; readonly resumeTo: LivePhase; readonly closeCode: number }
  | { readonly phase: 'ended'; readonly end: SessionEnd };

/** What happened. */
export type SessionEvent =
  | { readonly type: 'connected' }
  | { readonly type: 'connect-failed'; readonly error: DiagError }
  | { readonly type: 'output-received' }
  | { readonly type: 'handshake-requested' }
  | { readonly type: 'handshake-completed' }
  | { readonly type: 'dropped'; readonly code: number; readonly reason: string; readonly canResume: boolean }
  | { readonly type: 'resume-failed'; readonly reason: string }
  | { readonly type: 'channel-closed'; readonly output: string }
  | { readonly type: 'abort'; readonly reason: string }
  | { readonly type: 'fail'; readonly error: DiagError };

/** What the driver must do. */
export type SessionEffect =
  /** Input became allowed: send the held size and input. */
  | { readonly type: 'flush-input' }
  /** Reconnected: send the stream messages held while disconnected. */
  | { readonly type: 'transmit-unsent' }
  | { readonly type: 'reconnect' }
  /** The session is over: stop timers, close the socket, end the output. */
  | { readonly type: 'finish'; readonly end: SessionEnd };

/** A transition's result. */
export interface Transition {
  readonly state: SessionState;
  readonly effects: readonly SessionEffect[];
}

/** The state before the first connect. */
export const INITIAL_STATE: SessionState = { phase: 'connecting' };

/** True when stream input may be sent (or held for a reconnect) rather than held for the session type. */
export function inputAllowed(state: SessionState): boolean {
  return state.phase === 'open' || (state.phase === 'reconnecting' && state.resumeTo === 'open');
}

const stay = (state: SessionState): Transition => ({ state, effects: [] });
const end = (e: SessionEnd): Transition => ({
  state: { phase: 'ended', end: e },
  effects: [{ type: 'finish', end: e }],
});

/** The pure transition function. Events that do not apply to a phase leave it unchanged. */
export function transition(state: SessionState, event: SessionEvent): Transition {
  if (state.phase === 'ended') return stay(state);
  switch (event.type) {
    case 'channel-closed':
      return end(
        event.output === '' ? { kind: 'completed' } : { kind: 'closed-by-service', reason: event.output },
      );
    case 'abort':
      return end({ kind: 'aborted', reason: event.reason });
    case 'fail':
      return end({ kind: 'failed', error: event.error });
    case 'connect-failed':
      if (state.phase === 'connecting') return end({ kind: 'failed', error: event.error });
      return stay(state);
    case 'connected':
      if (state.phase === 'connecting') return stay({ phase: 'awaiting-type' });
      if (state.phase === 'reconnecting') {
        return { state: { phase: state.resumeTo }, effects: [{ type: 'transmit-unsent' }] };
      }
      return stay(state);
    case 'output-received':
      if (state.phase === 'awaiting-type')
        return { state: { phase: 'open' }, effects: [{ type: 'flush-input' }] };
      return stay(state);
    case 'handshake-requested':
      if (state.phase === 'awaiting-type') return stay({ phase: 'handshaking' });
      return stay(state);
    case 'handshake-completed':
      if (state.phase === 'handshaking' || state.phase === 'awaiting-type') {
        return { state: { phase: 'open' }, effects: [{ type: 'flush-input' }] };
      }
      return stay(state);
    case 'dropped':
      if (state.phase === 'connecting' || state.phase === 'reconnecting') return stay(state);
      if (!event.canResume) {
        return end({
          kind: 'connection-lost',
          reason: `the WebSocket closed (code ${event.code}${event.reason ? `: ${event.reason}` : ''}) and the session cannot be resumed (no ssm:ResumeSession available)`,
          closeCode: event.code,
        });
      }
      return {
        state: { phase: 'reconnecting', resumeTo: state.phase, closeCode: event.code },
        effects: [{ type: 'reconnect' }],
      };
    case 'resume-failed':
      if (state.phase === 'reconnecting') {
        return end({ kind: 'connection-lost', reason: event.reason, closeCode: state.closeCode });
      }
      return stay(state);
  }
}
