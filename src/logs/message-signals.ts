/**
 * Recognizes the agent messages that matter for how a session started and ended.
 *
 * The texts come from {@link MSG} and the formatters in `agent-log-format.ts`, the same ones
 * the emulated agent writes with.
 * @see ssm-data-channel.md §4.3
 */
import { MSG } from './agent-log-format.js';
import { isSessionIdToken } from './line-parser.js';

/** What a message says about its session. */
export type SignalKind =
  /** The worker or its data channel came up (`document: <id> worker started`, `Setting up datachannel…`). */
  | 'worker-started'
  /** `Plugin InteractiveCommands started`. */
  | 'plugin-started'
  /** The master's `requested cancel the command…` (control-channel cancel). */
  | 'cancel-requested'
  /** The cancel branch ran: `Cancel flag set…`, `Session cancelled. Attempting…`, `The session was cancelled`. */
  | 'cancelled'
  /** `Stopping pty` (cancel path, and again from Execute's deferred stop). */
  | 'stopping-pty'
  /** `unable to wait pty: signal: killed`: the agent SIGKILLed the command. */
  | 'wait-killed'
  /** `pty process: <pid> exited …`: the command ended on its own, with a status. */
  | 'exit'
  /** `caught signal to terminate: <sig>`: the worker itself was signalled. */
  | 'worker-signalled'
  /** `The cancellation failed to stop the session.` */
  | 'cancellation-failed'
  /** Data channel read errors: `Reach the retry limit 5 …`, `I/O timeout. …`. */
  | 'connection-lost'
  /** `CreateDataChannel failed …`: reconnecting to a session the service had already ended. */
  | 'create-channel-failed'
  /** `Unable to start command: …`. */
  | 'start-failed'
  /** `Closing datachannel with channel Id <id>`. */
  | 'closing'
  /** `Session worker closed`. */
  | 'worker-closed'
  /** No meaning of its own, but the message names a session (a websocket URL…). */
  | 'mention';

/** A recognized message. */
export interface Signal {
  readonly kind: SignalKind;
  /** The session id the message text names, if any. */
  readonly sessionId: string | null;
  /** `exit`: the status when it was `exit status N`; 0 for `exited successfully`. */
  readonly exitStatus: number | null;
  /** `exit`: the Go signal text (`terminated`, `killed`) when the command died of a signal. */
  readonly exitSignal: string | null;
}

const NONE: Signal | null = null;

function signal(kind: SignalKind, sessionId: string | null = null): Signal {
  return { kind, sessionId, exitStatus: null, exitSignal: null };
}

const WORKER_STARTED_PREFIX = 'document: ';
const WORKER_STARTED_SUFFIX = ' worker started';
const SETTING_UP_PREFIX = 'Setting up datachannel for session: ';
const CLOSING_PREFIX = 'Closing datachannel with channel Id ';
const PTY_PROCESS_PREFIX = 'pty process: ';
const EXITED_OK = ' exited successfully';
const EXITED_BAD = ' exited unsuccessfully, error message: ';
const CAUGHT_SIGNAL_PREFIX = 'caught signal to terminate';
const DATA_CHANNEL_PATH = '/v1/data-channel/';

/** The session id in a `…/v1/data-channel/<id>?…` URL inside `msg`, or null. */
function idFromUrl(msg: string): string | null {
  const at = msg.indexOf(DATA_CHANNEL_PATH);
  if (at < 0) return null;
  const start = at + DATA_CHANNEL_PATH.length;
  let end = start;
  while (end < msg.length && msg[end] !== '?' && msg[end] !== ' ' && msg[end] !== '/') end++;
  const id = msg.slice(start, end);
  return isSessionIdToken(id) ? id : null;
}

function token(text: string): string | null {
  const id = text.trim();
  return isSessionIdToken(id) ? id : null;
}

/** Parses `pty process: <pid> exited …`. */
function exitSignal(msg: string): Signal | null {
  if (msg.endsWith(EXITED_OK)) return { kind: 'exit', sessionId: null, exitStatus: 0, exitSignal: null };
  const bad = msg.indexOf(EXITED_BAD);
  if (bad < 0) return NONE;
  const status = msg.slice(bad + EXITED_BAD.length).trim();
  const m = /^exit status (\d+)$/.exec(status);
  if (m?.[1] !== undefined)
    return { kind: 'exit', sessionId: null, exitStatus: Number(m[1]), exitSignal: null };
  const s = /^signal: (.+)$/.exec(status);
  return { kind: 'exit', sessionId: null, exitStatus: null, exitSignal: s?.[1] ?? status };
}

/**
 * What `msg` (the text after the context tokens) says, or null for the many messages that
 * say nothing about a session's life.
 */
export function messageSignal(msg: string): Signal | null {
  switch (msg.charCodeAt(0)) {
    case 67: // C
      if (msg.startsWith(CLOSING_PREFIX)) return signal('closing', token(msg.slice(CLOSING_PREFIX.length)));
      if (msg === MSG.CANCEL_FLAG_SET) return signal('cancelled');
      if (msg.startsWith(MSG.CREATE_DATA_CHANNEL_FAILED_PREFIX)) return signal('create-channel-failed');
      if (msg.startsWith('Closing websocket channel connection to: '))
        return signal('mention', idFromUrl(msg));
      return NONE;
    case 73: // I
      if (msg.startsWith(MSG.IO_TIMEOUT_PREFIX)) return signal('connection-lost');
      return NONE;
    case 79: // O
      if (msg.startsWith('Opening websocket connection to: ')) return signal('mention', idFromUrl(msg));
      return NONE;
    case 80: // P
      if (msg === MSG.PLUGIN_STARTED) return signal('plugin-started');
      return NONE;
    case 82: // R
      if (msg.startsWith(MSG.RETRY_LIMIT_PREFIX)) return signal('connection-lost');
      return NONE;
    case 83: // S
      if (msg === MSG.STOPPING_PTY) return signal('stopping-pty');
      if (msg === MSG.SESSION_CANCELLED_STOPPING_PTY) return signal('cancelled');
      if (msg === MSG.SESSION_WORKER_CLOSED) return signal('worker-closed');
      if (msg.startsWith(SETTING_UP_PREFIX)) {
        const rest = msg.slice(SETTING_UP_PREFIX.length);
        const comma = rest.indexOf(',');
        return signal('worker-started', token(comma < 0 ? rest : rest.slice(0, comma)));
      }
      return NONE;
    case 84: // T
      if (msg === MSG.SESSION_CANCELLED) return signal('cancelled');
      if (msg === MSG.CANCELLATION_FAILED) return signal('cancellation-failed');
      return NONE;
    case 85: // U
      if (msg.startsWith(MSG.UNABLE_TO_START_COMMAND_PREFIX)) return signal('start-failed');
      return NONE;
    case 99: // c
      if (msg.startsWith(CAUGHT_SIGNAL_PREFIX)) return signal('worker-signalled');
      return NONE;
    case 100: // d
      if (msg.startsWith(WORKER_STARTED_PREFIX) && msg.endsWith(WORKER_STARTED_SUFFIX)) {
        return signal(
          'worker-started',
          token(msg.slice(WORKER_STARTED_PREFIX.length, msg.length - WORKER_STARTED_SUFFIX.length)),
        );
      }
      return NONE;
    case 112: // p
      if (msg.startsWith(PTY_PROCESS_PREFIX)) return exitSignal(msg);
      return NONE;
    case 114: // r
      if (msg === MSG.REQUESTED_CANCEL) return signal('cancel-requested');
      return NONE;
    case 117: // u
      if (msg === MSG.WAIT_PTY_KILLED) return signal('wait-killed');
      return NONE;
    default:
      return NONE;
  }
}
