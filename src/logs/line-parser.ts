/**
 * Parses one SSM agent log line, in any of the shapes it reaches us in:
 *
 * ```
 * 2024-05-01 12:34:56 INFO [ssm-session-worker] [<id>] [DataBackend] [pluginName=…] Stopping pty   ECS Exec
 * 2024-05-01 12:34:56.0123 INFO [ssm-session-worker] [<id>] …                                      stock agent
 * 2024-05-01 12:34:56 ERROR [Execute @ shell.go.371] [ssm-session-worker] [<id>] … unable to wait  errors.log
 * WARN [ssm-session-worker] [<id>] … Reach the retry limit 5 …                                     date lost
 * [DataBackend] [pluginName=InteractiveCommands] Stopping pty                                      prefix lost
 * 2020-03-10 10:15:03 WARN [MessageGatewayService] Reach the retry limit 5 …                       pre-v3 agent
 * ```
 *
 * Pure and allocation-light: it runs on every line of a 40 MB log.
 * @see ssm-data-channel.md §4.2 (formats), §4.1 (context prefixes)
 */
import type { AgentLogLevel } from './agent-log-format.js';

/** Who logged a line, from its first context token. */
export type ContextKind =
  /** `[ssm-session-worker] [<id>]`: a session worker (the id is in `sessionId`). */
  | 'session'
  /** `[DataBackend]` or `[pluginName=…]` first: a session line whose worker prefix was lost. */
  | 'plugin'
  /** `[ssm-agent-worker]`, `[amazon-ssm-agent]`: the agent and its control channel, not a session. */
  | 'agent'
  /** `[MessageGatewayService]` first: agents before the v3 split; the control channel, not a session. */
  | 'legacy'
  /** Some other bracketed context. */
  | 'other'
  /** No context at all. */
  | 'none';

/** The shape a line's prefix had. */
export type LineShape =
  /** `%Date %Time %LEVEL %Msg` (ECS Exec agent, console, nohup.out). */
  | 'agent'
  /** `%Date %Time.0000 %LEVEL %Msg` (stock agent ≥ 3.3.808.0). */
  | 'agent-fractional'
  /** `%Date %Time %LEVEL [%FuncShort @ %File.%Line] %Msg` (errors.log). */
  | 'errors'
  /** `%LEVEL %Msg`: the date and time were lost. */
  | 'level-only'
  /** Only the message (with or without context tokens) survived. */
  | 'bare';

/** One parsed line. */
export interface LogLine {
  /** Epoch milliseconds, reading the timestamp as UTC; null when the line has none. */
  readonly time: number | null;
  readonly level: AgentLogLevel | null;
  readonly shape: LineShape;
  readonly context: ContextKind;
  /** The session id named by the context (`[ssm-session-worker] [<id>]`, `[sessionId=<id>]`). */
  readonly sessionId: string | null;
  /** The message after the prefix and the context tokens. */
  readonly msg: string;
}

/** The longest session id we accept; longer tokens are not ids. */
const MAX_SESSION_ID = 128;
/** Context tokens looked at before the rest counts as message. */
const MAX_CONTEXT_TOKENS = 8;

function digit(text: string, i: number): number {
  const c = text.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -1;
}

/** Reads `width` digits at `i`, or -1. */
function digits(text: string, i: number, width: number): number {
  let n = 0;
  for (let k = 0; k < width; k++) {
    const d = digit(text, i + k);
    if (d < 0) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** Parses `YYYY-MM-DD HH:MM:SS` at the start of `text`, or returns NaN. */
function timestampAt(text: string): number {
  if (text.length < 19) return Number.NaN;
  if (
    text.charCodeAt(4) !== 45 || // -
    text.charCodeAt(7) !== 45 ||
    text.charCodeAt(10) !== 32 || // space
    text.charCodeAt(13) !== 58 || // :
    text.charCodeAt(16) !== 58
  ) {
    return Number.NaN;
  }
  const y = digits(text, 0, 4);
  const mo = digits(text, 5, 2);
  const d = digits(text, 8, 2);
  const h = digits(text, 11, 2);
  const mi = digits(text, 14, 2);
  const s = digits(text, 17, 2);
  if (
    y < 0 ||
    mo < 1 ||
    mo > 12 ||
    d < 1 ||
    d > 31 ||
    h < 0 ||
    h > 23 ||
    mi < 0 ||
    mi > 59 ||
    s < 0 ||
    s > 60
  ) {
    return Number.NaN;
  }
  return Date.UTC(y, mo - 1, d, h, mi, s);
}

/** A plausible session id: no spaces or brackets, not too long. */
export function isSessionIdToken(token: string): boolean {
  return (
    token.length > 0 &&
    token.length <= MAX_SESSION_ID &&
    token.indexOf(' ') < 0 &&
    token.indexOf('[') < 0 &&
    token.indexOf('\t') < 0
  );
}

/** Parses one line (without its newline). Never throws; a line that is all message is `bare`. */
export function parseLogLine(text: string): LogLine {
  let pos = 0;
  let time: number | null = null;
  let shape: LineShape = 'bare';

  // 1. `%Date %Time` with optional fractional seconds.
  const t = timestampAt(text);
  if (!Number.isNaN(t)) {
    pos = 19;
    let ms = 0;
    if (text[pos] === '.') {
      let end = pos + 1;
      while (end < text.length && digit(text, end) >= 0) end++;
      const frac = text.slice(pos + 1, end);
      if (frac.length > 0) ms = Math.floor(Number(`0.${frac}`) * 1000);
      pos = end;
      shape = 'agent-fractional';
    } else {
      shape = 'agent';
    }
    time = t + ms;
    if (text[pos] === ' ') pos++;
  }

  // 2. `%LEVEL `.
  const level = levelAt(text, pos);
  if (level !== null) {
    pos += level.length + 1;
    if (time === null) shape = 'level-only';
  }

  // 3. errors.log's `[%FuncShort @ %File.%Line] `.
  if (text.charCodeAt(pos) === 91) {
    const close = text.indexOf(']', pos);
    if (close > 0) {
      const at = text.lastIndexOf(' @ ', close);
      if (at > pos) {
        if (time !== null) shape = 'errors';
        pos = text[close + 1] === ' ' ? close + 2 : close + 1;
      }
    }
  }

  // 4. Context tokens `[x] [y] …`.
  let context: ContextKind = 'none';
  let sessionId: string | null = null;
  let afterWorker = false;
  for (let n = 0; n < MAX_CONTEXT_TOKENS && text.charCodeAt(pos) === 91; n++) {
    const close = text.indexOf(']', pos + 1);
    if (close < 0) break;
    const from = pos + 1;
    if (n === 0) context = firstContextKind(text, from, close);
    if (afterWorker && sessionId === null) {
      const token = text.slice(from, close);
      if (isSessionIdToken(token)) sessionId = token;
    }
    afterWorker = close - from === WORKER.length && text.startsWith(WORKER, from);
    if (sessionId === null && text.startsWith('sessionId=', from)) {
      const token = text.slice(from + 10, close);
      if (isSessionIdToken(token)) sessionId = token;
    }
    pos = text.charCodeAt(close + 1) === 32 ? close + 2 : close + 1;
  }

  return { time, level, shape, context, sessionId, msg: pos === 0 ? text : text.slice(pos) };
}

const WORKER = 'ssm-session-worker';

/** True when text[from, close) is exactly `word`. */
function tokenIs(text: string, from: number, close: number, word: string): boolean {
  return close - from === word.length && text.startsWith(word, from);
}

function firstContextKind(text: string, from: number, close: number): ContextKind {
  if (tokenIs(text, from, close, WORKER)) return 'session';
  if (
    tokenIs(text, from, close, 'ssm-agent-worker') ||
    tokenIs(text, from, close, 'amazon-ssm-agent') ||
    tokenIs(text, from, close, 'ssm-document-worker')
  ) {
    return 'agent';
  }
  if (tokenIs(text, from, close, 'MessageGatewayService')) return 'legacy';
  if (tokenIs(text, from, close, 'DataBackend') || text.startsWith('pluginName=', from)) return 'plugin';
  return 'other';
}

/** The `%LEVEL` word followed by a space at `pos`, or null. */
function levelAt(text: string, pos: number): AgentLogLevel | null {
  let level: AgentLogLevel;
  switch (text.charCodeAt(pos)) {
    case 73: // I
      level = 'INFO';
      break;
    case 87: // W
      level = 'WARN';
      break;
    case 69: // E
      level = 'ERROR';
      break;
    case 68: // D
      level = 'DEBUG';
      break;
    case 84: // T
      level = 'TRACE';
      break;
    case 67: // C
      level = 'CRITICAL';
      break;
    default:
      return null;
  }
  return text.startsWith(level, pos) && text.charCodeAt(pos + level.length) === 32 ? level : null;
}
