/**
 * The result of `ecs-diag analyze`, which is also its `--json` output (schema version 1).
 *
 * Versioning: fields are only added within a version; a rename, a removal or a change of
 * meaning bumps {@link ANALYZE_SCHEMA_VERSION}. Times are ISO 8601 UTC strings (the agent's
 * timestamps carry no zone; they are read as UTC). docs/readme/analyze.md documents the schema.
 */

/** The version of the JSON document below. */
export const ANALYZE_SCHEMA_VERSION = 1;

/**
 * How a session ended.
 * - `completed`: the command exited on its own; `exitStatus` when the agent logged one
 * - `cancelled-by-service`: the agent's cancel path killed the command (channel_closed from the
 *   service: the ECS Exec idle-timeout kill, or TerminateSession). Signature: `The session was
 *   cancelled`, `unable to wait pty: signal: killed`
 * - `worker-signalled`: the session worker got SIGTERM/SIGINT/… (`caught signal to terminate`)
 * - `connection-lost`: the data channel broke (1006, I/O timeout) and no other end was logged
 * - `unknown`: no end in the logs (still running when the log was copied, or the lines are gone)
 */
export type SessionEndKind =
  | 'completed'
  | 'cancelled-by-service'
  | 'worker-signalled'
  | 'connection-lost'
  | 'unknown';

/** Every {@link SessionEndKind}. */
export const SESSION_END_KINDS: readonly SessionEndKind[] = [
  'completed',
  'cancelled-by-service',
  'worker-signalled',
  'connection-lost',
  'unknown',
];

/** What an evidence line shows. */
export type EvidenceRole =
  /** The earliest line of the session. */
  | 'start'
  /** A line of the cancel/kill sequence. */
  | 'kill'
  /** The command's exit line. */
  | 'exit'
  /** A data-channel failure. */
  | 'connection'
  /** The worker closing down. */
  | 'close'
  /** A transcript header or footer. */
  | 'transcript'
  /** Something else worth reading (start failure, cancellation failure). */
  | 'note';

/** One line behind a conclusion. */
export interface Evidence {
  /** The path as given or found (relative to the current directory when it was given so). */
  readonly file: string;
  /** 1-based line number in the (decompressed) file. */
  readonly line: number;
  /** The line, cut to 500 characters. */
  readonly text: string;
  readonly role: EvidenceRole;
}

/** How a session ended, and when. */
export interface SessionEnd {
  readonly kind: SessionEndKind;
  /** When the end began (first line of the kill sequence, the exit line…); null if not logged or no timestamps. */
  readonly at: string | null;
  /** `completed`: the command's exit status when the agent logged `exit status N` (or 0 for success). */
  readonly exitStatus?: number;
  /** `completed`: the signal the command died of, when it was not the agent's kill (`terminated`). */
  readonly exitSignal?: string;
  /**
   * `cancelled-by-service` with a known duration: true when it lies in the ECS Exec idle-timeout
   * window (1200–1320 s, see ssm-data-channel.md §4.7), false otherwise.
   */
  readonly idleTimeoutWindow?: boolean;
  /** One sentence on why this kind was concluded. */
  readonly reason: string;
}

/** One session. */
export interface SessionReport {
  /** The session id, or null when no line named it (trimmed excerpts). */
  readonly sessionId: string | null;
  /** The id, or `(no id: <file>)` when there is none. */
  readonly label: string;
  /** The earliest timestamp of the session (not from errors.log alone); null without timestamps. */
  readonly start: string | null;
  readonly end: SessionEnd;
  /** `end.at - start` in seconds; null when either is unknown. */
  readonly durationSeconds: number | null;
  /** The lines behind `start` and `end`, at most 24, in file order. */
  readonly evidence: readonly Evidence[];
  /** Evidence lines left out beyond the limit. */
  readonly evidenceOmitted: number;
  /** The files the session's lines were found in. */
  readonly files: readonly string[];
}

/** Min/median/max of a set of durations, in seconds. */
export interface DurationStats {
  readonly count: number;
  readonly min: number;
  readonly median: number;
  readonly max: number;
}

/** Counts over all sessions. */
export interface AnalyzeSummary {
  readonly sessions: number;
  /** Sessions that ended `cancelled-by-service`. */
  readonly kills: number;
  readonly byEnd: Readonly<Record<SessionEndKind, number>>;
  /** Durations of the kills whose duration is known; null when none is. */
  readonly killDurationSeconds: DurationStats | null;
}

/** What a file turned out to be. */
export type FileFormat =
  | 'agent-log'
  | 'agent-log-fractional'
  | 'errors-log'
  | 'excerpt'
  | 'transcript'
  | 'session-output'
  | 'unrecognized';

/** One input file and what was odd about its bytes. */
export interface FileReport {
  readonly path: string;
  readonly format: FileFormat;
  readonly gzip: boolean;
  readonly bytes: number;
  readonly lines: number;
  /** Lines recognized as agent log lines (or transcript header/footer). */
  readonly recognizedLines: number;
  readonly overLongLines: number;
  readonly invalidUtf8Lines: number;
  readonly nulBytes: number;
  readonly crlfLines: number;
  readonly truncatedLastLine: boolean;
  /** The zlib error of a corrupt or truncated `.gz` (lines before it were read), else null. */
  readonly gzipError: string | null;
}

/** Totals over all input files. */
export interface InputSummary {
  readonly files: number;
  /** Files with at least one recognized line. */
  readonly recognizedFiles: number;
  readonly bytes: number;
  readonly lines: number;
  readonly recognizedLines: number;
  readonly overLongLines: number;
  readonly invalidUtf8Lines: number;
  readonly nulBytes: number;
  readonly crlfLines: number;
  /** Files whose last line had no newline. */
  readonly truncatedFiles: number;
  /** `.gz` files that were corrupt or cut short. */
  readonly gzipErrors: number;
  /** Files skipped on purpose (collect-logs `manifest.json`). */
  readonly skipped: readonly string[];
  /** True when Ctrl-C stopped the analysis: the result covers what was read until then. */
  readonly interrupted: boolean;
}

/** The whole result (the `--json` document). */
export interface AnalyzeResult {
  readonly schemaVersion: typeof ANALYZE_SCHEMA_VERSION;
  /** Sessions ordered by start (unknown starts last), then label. */
  readonly sessions: readonly SessionReport[];
  readonly summary: AnalyzeSummary;
  readonly input: InputSummary;
  readonly files: readonly FileReport[];
}
