/**
 * Running one command over a session and getting its real result: exact stdout, the exit status
 * the pty never reports, and how the session ended.
 *
 *   const marker = newMarker(deps.ids.uuid());
 *   ExecuteCommand({ command: wrapCommand(cmd, marker), interactive: true, … })  → session
 *   collectCommandResult(openSession(session, …), marker, { deps })             → RunResult
 *
 * @see command-wrapper.ts for the wrapper, command-output.ts for the filter
 */
import type { Deps } from '../deps.js';
import { CommandOutputFilter, type CommandOutputSummary } from './command-output.js';
import type { Session } from './session.js';
import type { SessionEnd } from './session-end.js';

/** The result of a command run. */
export interface RunResult {
  readonly sessionId: string;
  /** The command's output (stdout and stderr share the pty), exactly as written in `raw` mode. */
  readonly stdout: Uint8Array;
  /** The command's exit status, or null when the session ended before the command did. */
  readonly exitCode: number | null;
  /** How the session ended. `completed` with a null exitCode means the wrapper never ran (no `sh`?). */
  readonly endReason: SessionEnd;
  /** `raw`: bytes exact; `crlf`: stty was missing, CRLF was turned back into LF; `unknown`: no begin line. */
  readonly outputMode: CommandOutputSummary['mode'];
  /** What the pty printed before the command started (empty normally; the error when `sh` is missing). */
  readonly preamble: Uint8Array;
  readonly timings: {
    /** Epoch ms when collection started. */
    readonly startedAt: number;
    /** ms from start to the first command output byte, or null. */
    readonly firstOutputMs: number | null;
    /** ms from start to the end of the session. */
    readonly durationMs: number;
  };
}

/** Options of {@link collectCommandResult}. */
export interface CollectOptions {
  readonly deps: Deps;
  /** Called with each piece of command output as soon as it is known to be output (streaming). */
  readonly onStdout?: (chunk: Uint8Array) => void;
  /** Keep the output in the result. @default true (turn off for huge streamed output) */
  readonly keepStdout?: boolean;
  /** Ends the session (as aborted) when it runs longer. */
  readonly timeoutMs?: number;
}

/** Reads a wrapped command's session to its end and returns the result. Never rejects. */
export async function collectCommandResult(
  session: Session,
  marker: string,
  options: CollectOptions,
): Promise<RunResult> {
  const { clock } = options.deps;
  const startedAt = clock.now();
  const filter = new CommandOutputFilter(marker);
  const kept: Uint8Array[] = [];
  let firstOutputMs: number | null = null;
  const emit = (bytes: Uint8Array) => {
    if (bytes.length === 0) return;
    if (firstOutputMs === null) firstOutputMs = clock.now() - startedAt;
    if (options.keepStdout !== false) kept.push(bytes);
    options.onStdout?.(bytes);
  };
  const timer =
    options.timeoutMs === undefined
      ? undefined
      : clock.setTimeout(() => session.close(`timed out after ${options.timeoutMs} ms`), options.timeoutMs);
  try {
    for await (const chunk of session.output) emit(filter.push(chunk));
  } finally {
    if (timer !== undefined) clock.clearTimeout(timer);
  }
  const endReason = await session.ended;
  const { rest, summary } = filter.finish();
  emit(rest);
  return {
    sessionId: session.sessionId,
    stdout: Buffer.concat(kept),
    exitCode: summary.exitCode,
    endReason,
    outputMode: summary.mode,
    preamble: summary.preamble,
    timings: { startedAt, firstOutputMs, durationMs: clock.now() - startedAt },
  };
}
