/**
 * The SSM agent's log line formats and message texts, as pure formatters.
 *
 * One module serves both directions: the emulated agent WRITES its logs with these
 * formatters, and `ecs-diag analyze` READS logs whose texts it matches against the same
 * constants. A change of wording therefore cannot make the emulator and the analyzer drift.
 *
 * Dates are rendered in UTC: the agent prints the container's local time, and ECS containers
 * run in UTC unless the image says otherwise. The analyzer reads the timestamps back as UTC.
 *
 * @see /work/shared/docs/ssm-data-channel.md §4.2 (formats), §4.3 (message texts), §4.4 (transcripts)
 */

/** seelog's `%LEVEL` values. @see ssm-data-channel.md §4.2 */
export type AgentLogLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'CRITICAL';

/** Every {@link AgentLogLevel}, in seelog's order of severity. */
export const AGENT_LOG_LEVELS: readonly AgentLogLevel[] = [
  'TRACE',
  'DEBUG',
  'INFO',
  'WARN',
  'ERROR',
  'CRITICAL',
];

/** Options of {@link formatAgentLogLine}. */
export interface AgentLogLineOptions {
  /**
   * Print 4-digit fractional seconds (`2024-05-01 12:34:56.0123`), as the stock agent
   * ≥ 3.3.808.0 does. ECS Exec's injected agent prints whole seconds.
   * @default false
   */
  readonly fractional?: boolean;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** `2024-05-01` in UTC. */
function formatDate(date: Date): string {
  return `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)}`;
}

/** `12:34:56` in UTC. */
function formatTime(date: Date): string {
  return `${pad(date.getUTCHours(), 2)}:${pad(date.getUTCMinutes(), 2)}:${pad(date.getUTCSeconds(), 2)}`;
}

/**
 * The `%Date %Time` (or `%Date(2006-01-02 15:04:05.0000)`) timestamp of an agent log line.
 * Fractional seconds are truncated to 4 digits, as Go's `.0000` layout does.
 */
export function formatAgentTimestamp(date: Date, options: AgentLogLineOptions = {}): string {
  const base = `${formatDate(date)} ${formatTime(date)}`;
  if (options.fractional !== true) return base;
  // The 4th digit is always 0 with a millisecond clock: Go's agent has a finer clock, we don't.
  return `${base}.${pad(date.getUTCMilliseconds(), 3)}0`;
}

/**
 * One line of `amazon-ssm-agent.log` (and of the agent's console, i.e. `nohup.out` or the
 * container's stdout): `%Date %Time %LEVEL %Msg`, without the trailing newline.
 *
 * @example formatAgentLogLine(d, 'INFO', `${sessionContext(id)} ${MSG.STOPPING_PTY}`)
 *   // '2024-05-01 12:34:56 INFO [ssm-session-worker] [ecs-execute-command-…] [DataBackend] [pluginName=InteractiveCommands] Stopping pty'
 * @see ssm-data-channel.md §4.2 (ECSAGENT `execAgentLogConfigTemplate`, AGENT `seelog_unix.xml`)
 */
export function formatAgentLogLine(
  date: Date,
  level: AgentLogLevel,
  msg: string,
  options: AgentLogLineOptions = {},
): string {
  return `${formatAgentTimestamp(date, options)} ${level} ${msg}`;
}

/**
 * One line of `errors.log`: `%Date %Time %LEVEL [%FuncShort @ %File.%Line] %Msg`, without the
 * trailing newline. Only ERROR and CRITICAL lines go to that file.
 *
 * @example formatErrorsLogLine(d, 'ERROR', 'Execute', 'shell.go', 371, `${sessionContext(id)} ${MSG.WAIT_PTY_KILLED}`)
 *   // '2024-05-01 12:34:56 ERROR [Execute @ shell.go.371] [ssm-session-worker] [...] unable to wait pty: signal: killed'
 * @see ssm-data-channel.md §4.2 (seelog.xml `fmterror`)
 */
export function formatErrorsLogLine(
  date: Date,
  level: AgentLogLevel,
  func: string,
  file: string,
  line: number,
  msg: string,
  options: AgentLogLineOptions = {},
): string {
  return `${formatAgentTimestamp(date, options)} ${level} [${func} @ ${file}.${line}] ${msg}`;
}

/** The plugin name of ECS Exec sessions. */
export const INTERACTIVE_COMMANDS = 'InteractiveCommands';

/**
 * The context prefix of a session worker's plugin lines:
 * `[ssm-session-worker] [<sessionId>] [DataBackend] [pluginName=InteractiveCommands]`.
 *
 * Each `With("[x]")` of the agent's logger prepends `[x] `; a message follows after one space.
 * @see ssm-data-channel.md §4.1, §4.2 (AGENT `agent/log/logger/log.go` ContextFormatFilter)
 */
export function sessionContext(sessionId: string, plugin: string = INTERACTIVE_COMMANDS): string {
  return `${sessionWorkerContext(sessionId)} [DataBackend] [pluginName=${plugin}]`;
}

/** The context prefix of a session worker's own lines (before the plugin runs): `[ssm-session-worker] [<sessionId>]`. */
export function sessionWorkerContext(sessionId: string): string {
  return `[ssm-session-worker] [${sessionId}]`;
}

/** The context prefix of the agent worker's control channel (not a session). @see ssm-data-channel.md §4.1 */
export const AGENT_WORKER_CONTEXT = '[ssm-agent-worker] [MessageService] [MGSInteractor]';

/** The prefix agents before the v3 process split used for everything Session Manager logged. @see §4.3 */
export const LEGACY_MGS_CONTEXT = '[MessageGatewayService]';

/**
 * Exact message texts of the session worker and agent, from ssm-data-channel.md §4.3.
 * Texts with a variable part are functions below ({@link ptyExitedUnsuccessfully} …).
 */
export const MSG = {
  // --- start (InteractiveCommands) ---------------------------------------------
  RECEIVED_PLUGIN_CONFIG: 'received plugin config message',
  RUNNING_PLUGIN: 'Running plugin InteractiveCommands InteractiveCommands',
  STARTING_WEBSOCKET_LISTENER: 'Starting websocket listener',
  STARTING_WEBSOCKET_PINGER: 'Starting websocket pinger',
  SKIPPING_HANDSHAKE: 'Skipping handshake.',
  INITIATING_HANDSHAKE: 'Initiating Handshake',
  HANDSHAKE_COMPLETED: 'Handshake successfully completed.',
  STARTING_COMMAND_EXECUTOR: 'Starting command executor',
  PLUGIN_STARTED: 'Plugin InteractiveCommands started',
  // --- cancel path (channel_closed, idle timeout, TerminateSession, signal) ----
  /** Master (ssm-agent-worker), control-channel path only. */
  REQUESTED_CANCEL: 'requested cancel the command, setting cancel flag...',
  CANCEL_FLAG_SET: 'Cancel flag set to cancelled in session',
  SESSION_CANCELLED_STOPPING_PTY: 'Session cancelled. Attempting to stop pty.',
  STOPPING_PTY: 'Stopping pty',
  SESSION_CANCELLED: 'The session was cancelled',
  /** ERROR: the deferred Wait after the agent SIGKILLed the command. The kill's signature. */
  WAIT_PTY_KILLED: 'unable to wait pty: signal: killed',
  CANCELLATION_FAILED: 'The cancellation failed to stop the session.',
  ENDING_WEBSOCKET_PINGER: 'Ending websocket pinger',
  ENDING_WEBSOCKET_LISTENER: 'Ending websocket listener',
  SESSION_WORKER_CLOSED: 'Session worker closed',
  // --- connection ----------------------------------------------------------------
  /** WARN since 2018; data or control channel. */
  RETRY_LIMIT_1006:
    'Reach the retry limit 5 for receive messages. Error: websocket: close 1006 (abnormal closure): unexpected EOF',
  RETRY_LIMIT_PREFIX: 'Reach the retry limit 5 for receive messages.',
  IO_TIMEOUT_PREFIX: 'I/O timeout. Error: ',
  CREATE_DATA_CHANNEL_FAILED_PREFIX: 'CreateDataChannel failed with no output or error: ',
  UNABLE_TO_START_COMMAND_PREFIX: 'Unable to start command: ',
} as const;

/** INFO `ssm-session-worker - <version>`. */
export function sessionWorkerVersion(version: string): string {
  return `ssm-session-worker - ${version}`;
}

/** INFO `document: <sessionId> worker started`. */
export function workerStarted(sessionId: string): string {
  return `document: ${sessionId} worker started`;
}

/** INFO `Setting up datachannel for session: <id>, requestId: <uuid>, clientId: <uuid>`. */
export function settingUpDatachannel(sessionId: string, requestId: string, clientId: string): string {
  return `Setting up datachannel for session: ${sessionId}, requestId: ${requestId}, clientId: ${clientId}`;
}

/** INFO `Opening websocket connection to: <url>` (url `wss://…/v1/data-channel/<id>?role=publish_subscribe`). */
export function openingWebsocket(url: string): string {
  return `Opening websocket connection to: ${url}`;
}

/** INFO `Successfully opened websocket connection to: <remote addr>`. */
export function openedWebsocket(addr: string): string {
  return `Successfully opened websocket connection to: ${addr}`;
}

/** The data-channel URL the agent opens: `wss://ssmmessages.<region>.amazonaws.com/v1/data-channel/<id>?role=publish_subscribe`. */
export function dataChannelUrl(sessionId: string, host = 'ssmmessages.us-east-1.amazonaws.com'): string {
  return `wss://${host}/v1/data-channel/${sessionId}?role=publish_subscribe`;
}

/** INFO (signal path) `caught signal to terminate: <sig>`. */
export function caughtSignal(signal: string): string {
  return `caught signal to terminate: ${signal}`;
}

/**
 * ERROR `pty process: <pid> exited unsuccessfully, error message: <status>`, where `status`
 * is Go's `ExitError` text: `exit status N` or `signal: terminated`.
 */
export function ptyExitedUnsuccessfully(pid: number, status: string): string {
  return `pty process: ${pid} exited unsuccessfully, error message: ${status}`;
}

/** Go's `ExitError` text for an exit code: `exit status N`. */
export function exitStatusText(code: number): string {
  return `exit status ${code}`;
}

/** DEBUG `pty process: <pid> exited successfully`. */
export function ptyExitedSuccessfully(pid: number): string {
  return `pty process: ${pid} exited successfully`;
}

/** INFO `Closing datachannel with channel Id <sessionId>`. */
export function closingDatachannel(sessionId: string): string {
  return `Closing datachannel with channel Id ${sessionId}`;
}

/** INFO `Closing websocket channel connection to: <url>`. */
export function closingWebsocket(url: string): string {
  return `Closing websocket channel connection to: ${url}`;
}

/** INFO `Successfully closed websocket connection to: <addr>`. */
export function closedWebsocket(addr: string): string {
  return `Successfully closed websocket connection to: ${addr}`;
}

/** ERROR `CreateDataChannel failed with no output or error: <err>`. */
export function createDataChannelFailed(err: string): string {
  return `${MSG.CREATE_DATA_CHANNEL_FAILED_PREFIX}${err}`;
}

/** Master INFO `Processing AgentMessage: MessageType - <type>, Id - <uuid>`. */
export function processingAgentMessage(messageType: string, id: string): string {
  return `Processing AgentMessage: MessageType - ${messageType}, Id - ${id}`;
}

// --- orchestration transcripts (util-linux `script`) ---------------------------------

/**
 * The util-linux `script` header/footer variants (the image's util-linux decides).
 * - `legacy`: < 2.33, `Script started on <ctime>` / `Script done on <ctime>`
 * - `iso`: 2.33–2.37, ISO time + `[<not executed on terminal>]` / `[COMMAND_EXIT_CODE="N"]`
 * - `iso-command`: ≥ 2.38, header also carries `COMMAND="…"`
 * @see ssm-data-channel.md §4.4 (UTIL-LINUX `term-utils/script.c`)
 */
export type TranscriptVariant = 'legacy' | 'iso' | 'iso-command';

/** Every {@link TranscriptVariant}. */
export const TRANSCRIPT_VARIANTS: readonly TranscriptVariant[] = ['legacy', 'iso', 'iso-command'];

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

/** Month abbreviations of C's `%c`, in order (index 0 = January). */
export const CTIME_MONTHS: readonly string[] = MONTHS;

/** C's `%c` in the C locale, in UTC: `Wed May  1 12:34:56 2024`. */
export function formatCtime(date: Date): string {
  const day = String(date.getUTCDate()).padStart(2, ' ');
  return `${WEEKDAYS[date.getUTCDay()]} ${MONTHS[date.getUTCMonth()]} ${day} ${formatTime(date)} ${date.getUTCFullYear()}`;
}

/** util-linux ≥ 2.33's ISO time with offset, in UTC: `2024-05-01 12:34:56+00:00`. */
export function formatScriptIsoTime(date: Date): string {
  return `${formatDate(date)} ${formatTime(date)}+00:00`;
}

/** The command the agent has `script` run: `cat <ipcTempFile.log>`. @see §4.4 `generateLogData` */
export function transcriptCommand(ipcTempFile: string): string {
  return `cat ${ipcTempFile}`;
}

/**
 * The transcript's first line (without its newline).
 * @param command the `-c` command, printed by `iso-command` only
 */
export function formatTranscriptHeader(
  variant: TranscriptVariant,
  date: Date,
  command = 'cat ipcTempFile.log',
): string {
  switch (variant) {
    case 'legacy':
      return `Script started on ${formatCtime(date)}`;
    case 'iso':
      return `Script started on ${formatScriptIsoTime(date)} [<not executed on terminal>]`;
    case 'iso-command':
      return `Script started on ${formatScriptIsoTime(date)} [COMMAND="${command}" <not executed on terminal>]`;
  }
}

/**
 * The transcript's last line (without the newline before and after it: `script` writes
 * `\n<footer>\n`, so a footer always follows an empty line or the body's last partial line).
 * @param exitCode the exit status of the `cat` that replayed the session, not of the user's command
 */
export function formatTranscriptFooter(variant: TranscriptVariant, date: Date, exitCode = 0): string {
  if (variant === 'legacy') return `Script done on ${formatCtime(date)}`;
  return `Script done on ${formatScriptIsoTime(date)} [COMMAND_EXIT_CODE="${exitCode}"]`;
}

/**
 * A whole transcript file as `script` writes it: header, the body as it passed through a
 * second pty (each `\r\n` of the raw bytes becomes `\r\r\n`, each bare `\n` becomes `\r\n`), footer.
 */
export function formatTranscript(
  variant: TranscriptVariant,
  start: Date,
  end: Date,
  rawBody: string,
  options: { readonly command?: string; readonly exitCode?: number } = {},
): string {
  const body = rawBody.replace(/\n/g, '\r\n');
  return `${formatTranscriptHeader(variant, start, options.command)}\n${body}\n${formatTranscriptFooter(variant, end, options.exitCode)}\n`;
}
