/**
 * Builds SSM agent logs, errors.log, excerpts and transcripts from a list of session events,
 * with the formatters of src/logs/agent-log-format.ts, and derives from the SAME events what
 * `analyze` must report. Nothing expected is typed by hand.
 *
 * Seeded (mulberry32): the same seed gives the same logs.
 */
import {
  AGENT_WORKER_CONTEXT,
  type AgentLogLevel,
  closingDatachannel,
  closingWebsocket,
  createDataChannelFailed,
  dataChannelUrl,
  exitStatusText,
  formatAgentLogLine,
  formatAgentTimestamp,
  formatErrorsLogLine,
  formatTranscript,
  LEGACY_MGS_CONTEXT,
  MSG,
  openingWebsocket,
  processingAgentMessage,
  ptyExitedSuccessfully,
  ptyExitedUnsuccessfully,
  sessionContext,
  sessionWorkerContext,
  sessionWorkerVersion,
  settingUpDatachannel,
  type TranscriptVariant,
  transcriptCommand,
  workerStarted,
} from '../../src/logs/agent-log-format.js';
import type { SessionEndKind } from '../../src/logs/analyze-result.js';

/** A deterministic PRNG in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** How a generated session ends. */
export type GeneratedEnd =
  | { readonly kind: 'completed'; readonly exitStatus: number }
  | { readonly kind: 'killed' }
  | { readonly kind: 'connection-lost' }
  | { readonly kind: 'running' };

/** One session's events. Times are epoch ms. */
export interface SessionSpec {
  readonly id: string;
  readonly pid: number;
  readonly start: number;
  /** When the end sequence is logged (ignored for `running`). */
  readonly endAt: number;
  readonly end: GeneratedEnd;
}

/** The log shapes the generator writes. */
export type GeneratedFormat =
  /** ECS Exec `%Date %Time %LEVEL %Msg`, INFO and above. */
  | 'ecs-exec'
  /** Stock agent: 4-digit fractional seconds, DEBUG included. */
  | 'stock'
  /** ECS Exec format, control channel with the pre-v3 `[MessageGatewayService]` prefix. */
  | 'legacy'
  /** errors.log only (ERROR lines with `[Func @ file.line]`). */
  | 'errors-log';

/** Options of {@link randomSessions}. */
export interface RandomSessionsOptions {
  readonly count: number;
  readonly start?: number;
  /** Mean gap between session starts, ms. @default 90_000 */
  readonly meanGapMs?: number;
  /** Which ends to draw from. @default all four */
  readonly ends?: readonly GeneratedEnd['kind'][];
}

const HEX = '0123456789abcdef';

function hex(rng: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += HEX[Math.floor(rng() * 16)];
  return s;
}

/** Random sessions: kills at 1200–1260 s, completions with random status, lost connections, still running. */
export function randomSessions(rng: () => number, options: RandomSessionsOptions): SessionSpec[] {
  const ends = options.ends ?? ['completed', 'killed', 'connection-lost', 'running'];
  const out: SessionSpec[] = [];
  let t = options.start ?? Date.UTC(2024, 4, 1, 8, 0, 0);
  for (let i = 0; i < options.count; i++) {
    t += 1000 + Math.floor(rng() * 2 * (options.meanGapMs ?? 90_000));
    const kind = ends[Math.floor(rng() * ends.length)] ?? 'killed';
    const id = `ecs-execute-command-${hex(rng, 17)}`;
    const pid = 100 + Math.floor(rng() * 30_000);
    const start = t + Math.floor(rng() * 1000);
    let end: GeneratedEnd;
    let durationMs: number;
    switch (kind) {
      case 'killed':
        end = { kind };
        durationMs = 1_200_000 + Math.floor(rng() * 60_000);
        break;
      case 'completed':
        end = { kind, exitStatus: rng() < 0.5 ? 0 : 1 + Math.floor(rng() * 254) };
        durationMs = 500 + Math.floor(rng() * 3_000_000);
        break;
      default:
        end = { kind };
        durationMs = 1000 + Math.floor(rng() * 2_000_000);
    }
    out.push({ id, pid, start, endAt: start + durationMs, end });
  }
  return out;
}

/** One log line before formatting. */
interface Entry {
  readonly time: number;
  /** Orders lines of equal time: the order they were produced in. */
  readonly seq: number;
  readonly level: AgentLogLevel;
  readonly msg: string;
  /** errors.log's `[Func @ file.line]`. */
  readonly where: readonly [string, string, number];
}

const WHERE_DEFAULT: readonly [string, string, number] = ['Execute', 'shell.go', 300];

/** The agent's lines for one session, in order. */
function sessionEntries(
  s: SessionSpec,
  rng: () => number,
  fillerEveryMs: number,
  seq: { n: number },
): Entry[] {
  const ctx = sessionContext(s.id);
  const worker = sessionWorkerContext(s.id);
  const url = dataChannelUrl(s.id);
  const out: Entry[] = [];
  const at = (time: number, level: AgentLogLevel, msg: string, where = WHERE_DEFAULT): void => {
    out.push({ time, seq: seq.n++, level, msg, where });
  };
  // 1. Start (ssm-data-channel.md §4.3, start table).
  at(s.start, 'INFO', `${worker} ${sessionWorkerVersion('3.3.1802.0')}`);
  at(s.start, 'INFO', `${worker} ${workerStarted(s.id)}`);
  at(s.start, 'INFO', `${worker} ${MSG.RUNNING_PLUGIN}`);
  at(s.start, 'INFO', `${ctx} ${settingUpDatachannel(s.id, `${hex(rng, 8)}-req`, `${hex(rng, 8)}-cli`)}`);
  at(s.start, 'INFO', `${ctx} ${openingWebsocket(url)}`);
  at(s.start, 'INFO', `${ctx} ${MSG.STARTING_WEBSOCKET_LISTENER}`);
  at(s.start, 'INFO', `${ctx} ${MSG.SKIPPING_HANDSHAKE}`);
  at(s.start, 'INFO', `${ctx} ${MSG.STARTING_COMMAND_EXECUTOR}`);
  at(s.start, 'INFO', `${ctx} ${MSG.PLUGIN_STARTED}`);
  // 2. Filler while it runs: lines that say nothing about the end.
  const last = s.end.kind === 'running' ? s.start + 600_000 : s.endAt;
  for (let t = s.start + fillerEveryMs; t < last; t += fillerEveryMs) {
    at(t, 'INFO', `${ctx} Sending ack for sequence ${Math.floor(rng() * 1e6)} of output stream data`);
  }
  // 3. End (cancel path, normal end, connection loss).
  const e = s.endAt;
  const close = (): void => {
    at(e, 'INFO', `${ctx} ${MSG.STOPPING_PTY}`);
    at(e, 'INFO', `${ctx} ${closingDatachannel(s.id)}`);
    at(e, 'INFO', `${ctx} ${closingWebsocket(url)}`);
    at(e, 'INFO', `${ctx} ${MSG.ENDING_WEBSOCKET_PINGER}`);
    at(e, 'INFO', `${worker} ${MSG.SESSION_WORKER_CLOSED}`);
  };
  switch (s.end.kind) {
    case 'killed':
      at(e, 'DEBUG', `${ctx} ${MSG.CANCEL_FLAG_SET}`);
      at(e, 'DEBUG', `${ctx} ${MSG.SESSION_CANCELLED_STOPPING_PTY}`);
      at(e, 'INFO', `${ctx} ${MSG.STOPPING_PTY}`);
      at(e, 'INFO', `${ctx} ${MSG.SESSION_CANCELLED}`);
      at(e, 'ERROR', `${ctx} ${MSG.WAIT_PTY_KILLED}`, ['Execute', 'shell.go', 371]);
      close();
      break;
    case 'completed':
      if (s.end.exitStatus === 0) at(e, 'DEBUG', `${ctx} ${ptyExitedSuccessfully(s.pid)}`);
      else {
        at(e, 'ERROR', `${ctx} ${ptyExitedUnsuccessfully(s.pid, exitStatusText(s.end.exitStatus))}`, [
          'Execute',
          'shell_unix.go',
          216,
        ]);
      }
      close();
      break;
    case 'connection-lost':
      at(e, 'WARN', `${ctx} ${MSG.RETRY_LIMIT_1006}`);
      at(
        e,
        'ERROR',
        `${ctx} ${createDataChannelFailed('createDataChannel request failed: unexpected response from the service <BadRequest> <ClientErrorMessage>Session is already terminated</ClientErrorMessage> </BadRequest>')}`,
        ['CreateDataChannel', 'datachannel.go', 1155],
      );
      break;
    case 'running':
      break;
  }
  return out;
}

/** The agent's own lines (not sessions): health checks, control channel, the master's cancel. */
function agentEntries(
  sessions: readonly SessionSpec[],
  from: number,
  to: number,
  control: string,
  seq: { n: number },
): Entry[] {
  const out: Entry[] = [];
  for (let t = from; t < to; t += 30_000) {
    out.push({
      time: t,
      seq: seq.n++,
      level: 'INFO',
      msg: '[ssm-agent-worker] [HealthCheck] HealthCheck reporting agent health.',
      where: WHERE_DEFAULT,
    });
  }
  // A control-channel 1006 in the middle: not any session's.
  out.push({
    time: Math.floor((from + to) / 2),
    seq: seq.n++,
    level: 'WARN',
    msg: `${control} ${MSG.RETRY_LIMIT_1006}`,
    where: ['listen', 'websocketchannel.go', 205],
  });
  for (const s of sessions) {
    if (s.end.kind !== 'killed') continue;
    out.push({
      time: s.endAt,
      seq: -1,
      level: 'INFO',
      msg: `${control} ${processingAgentMessage('channel_closed', `${s.id.slice(-8)}-0000-0000-0000-000000000000`)}`,
      where: WHERE_DEFAULT,
    });
    out.push({
      time: s.endAt,
      seq: 0,
      level: 'INFO',
      msg: `${control} ${MSG.REQUESTED_CANCEL}`,
      where: WHERE_DEFAULT,
    });
  }
  return out;
}

/** Options of {@link generateLog}. */
export interface GenerateLogOptions {
  /** Filler line interval per session, ms. @default 60_000 */
  readonly fillerEveryMs?: number;
  /** @default 1 */
  readonly seed?: number;
}

const LEVEL_RANK: Readonly<Record<AgentLogLevel, number>> = {
  TRACE: 0,
  DEBUG: 1,
  INFO: 2,
  WARN: 3,
  ERROR: 4,
  CRITICAL: 5,
};

/** All lines of a log in `format` for `sessions`, sorted by time (without newlines). */
export function generateLog(
  sessions: readonly SessionSpec[],
  format: GeneratedFormat,
  options: GenerateLogOptions = {},
): string[] {
  const rng = mulberry32(options.seed ?? 1);
  const seq = { n: 1 };
  const entries: Entry[] = [];
  for (const s of sessions) entries.push(...sessionEntries(s, rng, options.fillerEveryMs ?? 60_000, seq));
  if (sessions.length > 0) {
    const from = Math.min(...sessions.map((s) => s.start)) - 5_000;
    const to = Math.max(...sessions.map((s) => s.endAt)) + 5_000;
    entries.push(
      ...agentEntries(
        sessions,
        from,
        to,
        format === 'legacy' ? LEGACY_MGS_CONTEXT : AGENT_WORKER_CONTEXT,
        seq,
      ),
    );
  }
  entries.sort((a, b) => a.time - b.time || a.seq - b.seq);
  const minLevel =
    format === 'stock' ? LEVEL_RANK.DEBUG : format === 'errors-log' ? LEVEL_RANK.ERROR : LEVEL_RANK.INFO;
  const out: string[] = [];
  for (const e of entries) {
    if (LEVEL_RANK[e.level] < minLevel) continue;
    const date = new Date(e.time);
    if (format === 'errors-log')
      out.push(formatErrorsLogLine(date, e.level, e.where[0], e.where[1], e.where[2], e.msg));
    else out.push(formatAgentLogLine(date, e.level, e.msg, { fractional: format === 'stock' }));
  }
  return out;
}

/** The kill's lines as the field excerpts have them: the worker prefix lost, the id only in `Closing datachannel`. */
export function generateExcerpt(s: SessionSpec): string[] {
  return generateLog([s], 'ecs-exec')
    .filter(
      (l) => l.includes('[DataBackend]') && !l.includes(MSG.PLUGIN_STARTED) && !l.includes('Setting up'),
    )
    .filter((l) => !l.includes('Opening websocket') && !l.includes('Starting') && !l.includes('Skipping'))
    .map((l) => l.slice(l.indexOf('[DataBackend]')))
    .map((l) =>
      l.replace(/Closing websocket channel connection to: \S+/, 'Closing websocket channel connection to: …'),
    );
}

/** A transcript file (path relative to a root, content) for a session that ended. */
export function generateTranscript(
  s: SessionSpec,
  variant: TranscriptVariant,
): { path: string; text: string } {
  const dir = `var/lib/amazon/ssm/${'a'.repeat(64)}/session/orchestration/${s.id}/InteractiveCommands`;
  const text = formatTranscript(variant, new Date(s.start), new Date(s.endAt), 'ABC\nline two\n', {
    command: transcriptCommand(`/${dir}/ipcTempFile.log`),
  });
  return { path: `${dir}/${s.id}.log`, text };
}

/** What analyze must report for a session. */
export interface ExpectedSession {
  readonly sessionId: string;
  readonly start: string | null;
  readonly endAt: string | null;
  readonly kind: SessionEndKind;
  readonly exitStatus: number | undefined;
  readonly durationSeconds: number | null;
}

/** Truncates a time to what the format prints. */
function printed(time: number, format: GeneratedFormat | 'transcript'): number {
  if (format === 'stock') return time;
  return time - (((time % 1000) + 1000) % 1000);
}

/** What analyze must report for `s` read from a log in `format`. */
export function expectedSession(
  s: SessionSpec,
  format: GeneratedFormat | 'transcript',
): ExpectedSession | null {
  const start = printed(s.start, format);
  const end = printed(s.endAt, format);
  const iso = (t: number) => new Date(t).toISOString();
  if (format === 'transcript') {
    if (s.end.kind === 'running') return null;
    return {
      sessionId: s.id,
      start: iso(start),
      endAt: iso(end),
      kind: 'unknown',
      exitStatus: undefined,
      durationSeconds: (end - start) / 1000,
    };
  }
  if (format === 'errors-log') {
    // errors.log holds the ERROR lines only: no start, and nothing at all for a clean exit or a running session.
    if (s.end.kind === 'running' || (s.end.kind === 'completed' && s.end.exitStatus === 0)) return null;
    const kind = s.end.kind === 'killed' ? 'cancelled-by-service' : s.end.kind;
    const exitStatus = s.end.kind === 'completed' ? s.end.exitStatus : undefined;
    return { sessionId: s.id, start: null, endAt: iso(end), kind, exitStatus, durationSeconds: null };
  }
  switch (s.end.kind) {
    case 'running':
      return {
        sessionId: s.id,
        start: iso(start),
        endAt: null,
        kind: 'unknown',
        exitStatus: undefined,
        durationSeconds: null,
      };
    case 'killed':
    case 'connection-lost':
      return {
        sessionId: s.id,
        start: iso(start),
        endAt: iso(end),
        kind: s.end.kind === 'killed' ? 'cancelled-by-service' : 'connection-lost',
        exitStatus: undefined,
        durationSeconds: (end - start) / 1000,
      };
    case 'completed': {
      // A clean exit is DEBUG: only the stock (DEBUG) log shows its status.
      const exitStatus = s.end.exitStatus !== 0 || format === 'stock' ? s.end.exitStatus : undefined;
      return {
        sessionId: s.id,
        start: iso(start),
        endAt: iso(end),
        kind: 'completed',
        exitStatus,
        durationSeconds: (end - start) / 1000,
      };
    }
  }
}

/** Re-exported for tests that print a time the way the agent does. */
export { formatAgentTimestamp };
