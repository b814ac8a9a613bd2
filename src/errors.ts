/**
 * One error type for the whole tool, with stable codes.
 *
 * Match on `err.code`, never on message text. `source` says whose fault it is:
 * - `user`: bad input (exit 2)
 * - `environment`: AWS, the network, the machine (exit 3)
 * - `tool`: a bug in ecs-diag (exit 4, "please report")
 *
 * A finding about the target (agent not connected, missing permission...) is data in a
 * result, not a DiagError. Throwing is for the tool's own failures and for bad input.
 *
 * The codes are listed in README.md ("Error codes"). Add new codes to the section of
 * the area that raises them.
 */
export type DiagErrorCode =
  // --- cli / input ---------------------------------------------------------
  | 'CLI_BAD_ARGUMENT'
  | 'CLI_NOT_FOUND'
  | 'CLI_NOTHING_TO_DO'
  | 'CLI_INTERRUPTED'
  // --- logs / analyze --------------------------------------------------------
  | 'LOGS_PATH_NOT_FOUND'
  | 'LOGS_UNREADABLE'
  | 'LOGS_NOTHING_TO_ANALYZE'
  // --- protocol (frame codec) ------------------------------------------------
  | 'PROTO_SHORT_FRAME'
  | 'PROTO_BAD_HEADER_LENGTH'
  | 'PROTO_BAD_MESSAGE_TYPE'
  | 'PROTO_BAD_DIGEST'
  | 'PROTO_BAD_PAYLOAD_LENGTH'
  | 'PROTO_UNKNOWN_PAYLOAD_TYPE'
  | 'PROTO_BAD_PAYLOAD'
  | 'PROTO_BAD_UUID'
  | 'PROTO_INVALID_FIELD'
  // --- session (data-channel client) -----------------------------------------
  | 'SESSION_CONNECT_FAILED'
  | 'SESSION_CONNECTION_LOST'
  | 'SESSION_CLOSED_BY_SERVICE'
  | 'SESSION_KMS_UNSUPPORTED'
  | 'SESSION_HANDSHAKE_FAILED'
  | 'SESSION_RESEND_TIMEOUT'
  | 'SESSION_ABORTED'
  | 'SESSION_NOT_OPEN'
  | 'SESSION_NO_RESULT'
  // --- aws (control plane) ----------------------------------------------------
  | 'AWS_ACCESS_DENIED'
  | 'AWS_CLUSTER_NOT_FOUND'
  | 'AWS_TASK_NOT_FOUND'
  | 'AWS_CONTAINER_NOT_FOUND'
  | 'AWS_EXEC_NOT_ENABLED'
  | 'AWS_TARGET_NOT_CONNECTED'
  | 'AWS_INVALID_PARAMETER'
  | 'AWS_THROTTLED'
  | 'AWS_CREDENTIALS'
  | 'AWS_NETWORK'
  | 'AWS_SERVICE_ERROR'
  // --- emulator -----------------------------------------------------------------
  | 'EMULATOR_NAMESPACES_UNAVAILABLE'
  | 'EMULATOR_BAD_PROFILE'
  | 'EMULATOR_BAD_STATE_FILE'
  | 'EMULATOR_REMOTE_REFUSED'
  | 'EMULATOR_START_FAILED'
  | 'EMULATOR_FAULT_INJECTED'
  | 'EMULATOR_TASK_NOT_RUNNING'
  // --- scenarios / matrix -------------------------------------------------------
  | 'SCN_BAD_SCENARIO'
  | 'SCN_CASE_FAILED'
  | 'SCN_RESUME_MISMATCH'
  // --- collect-logs -------------------------------------------------------------
  | 'COLLECT_NO_SHELL'
  | 'COLLECT_TRANSFER_FAILED'
  | 'COLLECT_CHECKSUM_MISMATCH'
  // --- jobs -------------------------------------------------------------------------
  | 'JOB_BAD_HANDLE'
  | 'JOB_NOT_FOUND'
  | 'JOB_NO_WRITABLE_PATH'
  // --- report / regress / bundle ----------------------------------------------------
  | 'REPORT_BAD_RUN_DIR'
  | 'REPORT_BAD_SCHEMA'
  | 'BUNDLE_VERIFY_FAILED'
  // --- internal -------------------------------------------------------------------------
  | 'INTERNAL';

/** Whose fault an error is. Decides the exit code and whether we ask for a bug report. */
export type ErrorSource = 'user' | 'environment' | 'tool';

/** Options of {@link DiagError}. */
export interface DiagErrorOptions {
  /** @default derived from the code: see {@link defaultSource} */
  readonly source?: ErrorSource;
  readonly cause?: unknown;
  /** A short hint: what the user can do about it. Printed after the message. */
  readonly hint?: string;
  /** Overrides the exit code the CLI derives from `source`. */
  readonly exitCode?: number;
}

/** The tool's one error class. */
export class DiagError extends Error {
  readonly code: DiagErrorCode;
  readonly source: ErrorSource;
  readonly hint: string | undefined;
  readonly exitCode: number | undefined;

  constructor(code: DiagErrorCode, message: string, options: DiagErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DiagError';
    this.code = code;
    this.source = options.source ?? defaultSource(code);
    this.hint = options.hint;
    this.exitCode = options.exitCode;
  }
}

/** The default `source` of a code, by its prefix. */
export function defaultSource(code: DiagErrorCode): ErrorSource {
  if (code === 'INTERNAL') return 'tool';
  if (code.startsWith('CLI_') || code.startsWith('LOGS_') || code.startsWith('SCN_BAD')) return 'user';
  if (code.startsWith('REPORT_') || code === 'JOB_BAD_HANDLE') return 'user';
  return 'environment';
}

/** True for a DiagError, also across module copies (matches on shape, not instanceof). */
export function isDiagError(e: unknown): e is DiagError {
  return (
    typeof e === 'object' &&
    e !== null &&
    (e as { name?: unknown }).name === 'DiagError' &&
    typeof (e as { code?: unknown }).code === 'string'
  );
}
