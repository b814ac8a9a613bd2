/**
 * `analyze`: reads SSM agent logs, errors.log, orchestration transcripts and excerpts, and
 * reports each session's start, end, duration and how it ended, with the lines that show it.
 *
 * Streaming: memory grows with the number of sessions, never with the size of the files.
 * @see ssm-data-channel.md §4.2–4.4
 */
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { EventSink } from '../deps.js';
import { DiagError } from '../errors.js';
import {
  ANALYZE_SCHEMA_VERSION,
  type AnalyzeResult,
  type FileFormat,
  type FileReport,
  type InputSummary,
  type SessionReport,
} from './analyze-result.js';
import { mergeErrorsLogOrphans, reportSession, summarize } from './classify-session.js';
import { discoverFiles } from './discover-files.js';
import { type LineShape, parseLogLine } from './line-parser.js';
import { readLines } from './line-reader.js';
import { messageSignal } from './message-signals.js';
import { SessionTracker } from './session-tracker.js';
import { parseTranscriptFooter, parseTranscriptHeader, sessionIdFromPath } from './transcript.js';

/** Options of {@link analyzeLogs}. */
export interface AnalyzeOptions {
  /** Files and directories (recursive); `.gz` and rolled files included. */
  readonly paths: readonly string[];
  /** Ctrl-C: stop reading and report what was read (`input.interrupted`). */
  readonly signal?: AbortSignal;
  /** Progress events (`LOGS_I…` codes). */
  readonly log?: EventSink;
  /** @default 65536 */
  readonly maxLineBytes?: number;
  /** Read size. @default 256 KiB */
  readonly chunkBytes?: number;
  /** Timestamps for progress events. @default Date.now */
  readonly now?: () => number;
}

/** The agent writes the raw pty bytes here; it is session output, not log lines. @see §4.4 */
const IPC_TEMP_FILE = 'ipcTempFile.log';
const TRANSCRIPT_FOOTER_MARK = 'Script done on ';
/** Files from this size on get a progress line. */
const PROGRESS_BYTES = 8_000_000;

const SHAPE_FORMAT: Readonly<Record<LineShape, FileFormat>> = {
  agent: 'agent-log',
  'agent-fractional': 'agent-log-fractional',
  errors: 'errors-log',
  'level-only': 'excerpt',
  bare: 'excerpt',
};

/**
 * Analyzes the logs under `paths`.
 * @throws DiagError LOGS_PATH_NOT_FOUND, LOGS_UNREADABLE, LOGS_NOTHING_TO_ANALYZE (no file at all)
 */
export async function analyzeLogs(options: AnalyzeOptions): Promise<AnalyzeResult> {
  const now = options.now ?? Date.now;
  const { files, skipped } = await discoverFiles(options.paths);
  if (files.length === 0) {
    throw new DiagError('LOGS_NOTHING_TO_ANALYZE', `no files to analyze in ${options.paths.join(', ')}`, {
      hint: 'point at amazon-ssm-agent.log, errors.log, a transcript, or a collect-logs directory',
    });
  }
  options.log?.emit({
    time: now(),
    level: 'debug',
    code: 'LOGS_I0001',
    message: `analyzing ${files.length} file(s)`,
    data: { files: files.length },
  });

  const tracker = new SessionTracker();
  const reports: FileReport[] = [];
  let interrupted = false;
  for (const file of files) {
    if (options.signal?.aborted) {
      interrupted = true;
      break;
    }
    const size = await stat(file)
      .then((st) => st.size)
      .catch(() => 0);
    if (size >= PROGRESS_BYTES) {
      options.log?.emit({
        time: now(),
        level: 'info',
        code: 'LOGS_I0002',
        message: `reading ${file} (${(size / 1e6).toFixed(1)} MB)`,
        data: { file, bytes: size },
      });
    }
    const report = await analyzeFile(file, tracker, options);
    reports.push(report.file);
    if (report.interrupted) {
      interrupted = true;
      break;
    }
  }

  const fileOrder = new Map(files.map((f, i) => [f, i]));
  const states = tracker.sessions();
  for (const key of mergeErrorsLogOrphans(states)) tracker.delete(key);
  const sessions = tracker
    .sessions()
    .map((s) => reportSession(s, fileOrder))
    .sort(bySessionStart);
  return {
    schemaVersion: ANALYZE_SCHEMA_VERSION,
    sessions,
    summary: summarize(sessions),
    input: inputSummary(reports, skipped, interrupted),
    files: reports,
  };
}

function bySessionStart(a: SessionReport, b: SessionReport): number {
  if (a.start !== b.start) {
    if (a.start === null) return 1;
    if (b.start === null) return -1;
    return a.start < b.start ? -1 : 1;
  }
  return a.label < b.label ? -1 : a.label > b.label ? 1 : 0;
}

/** Reads one file into the tracker. */
async function analyzeFile(
  file: string,
  tracker: SessionTracker,
  options: AnalyzeOptions,
): Promise<{ file: FileReport; interrupted: boolean }> {
  const sessionOutput = basename(file) === IPC_TEMP_FILE;
  tracker.beginFile(file, sessionIdFromPath(file));
  let recognized = 0;
  let transcript = false;
  let format: FileFormat | null = sessionOutput ? 'session-output' : null;

  const onLine = (text: string, lineNo: number): void => {
    if (sessionOutput) return;
    if (lineNo === 1) {
      const header = parseTranscriptHeader(text);
      if (header !== null) {
        transcript = true;
        format = 'transcript';
        recognized += 1;
        tracker.transcriptHeader(lineNo, text, header);
        return;
      }
    }
    if (transcript) {
      if (!text.includes(TRANSCRIPT_FOOTER_MARK)) return;
      const footer = parseTranscriptFooter(text);
      if (footer !== null) {
        recognized += 1;
        tracker.transcriptFooter(lineNo, text, footer);
      }
      return;
    }
    const parsed = parseLogLine(text);
    const signal = messageSignal(parsed.msg);
    const known =
      parsed.time !== null || parsed.level !== null || parsed.context !== 'none' || signal !== null;
    if (!known) return;
    recognized += 1;
    if (format === null || (format === 'excerpt' && parsed.time !== null))
      format = SHAPE_FORMAT[parsed.shape];
    tracker.logLine(lineNo, text, parsed, signal);
  };

  const stats = await readLines(file, onLine, {
    maxLineBytes: options.maxLineBytes,
    signal: options.signal,
    chunkBytes: options.chunkBytes,
  });
  tracker.endFile();
  const { interrupted, gzip, decodedBytes: _decoded, ...counts } = stats;
  return {
    file: {
      path: file,
      format: format ?? 'unrecognized',
      gzip,
      recognizedLines: recognized,
      ...counts,
    },
    interrupted,
  };
}

function inputSummary(
  files: readonly FileReport[],
  skipped: readonly string[],
  interrupted: boolean,
): InputSummary {
  let bytes = 0;
  let lines = 0;
  let recognizedLines = 0;
  let overLongLines = 0;
  let invalidUtf8Lines = 0;
  let nulBytes = 0;
  let crlfLines = 0;
  let truncatedFiles = 0;
  let gzipErrors = 0;
  let recognizedFiles = 0;
  for (const f of files) {
    bytes += f.bytes;
    lines += f.lines;
    recognizedLines += f.recognizedLines;
    overLongLines += f.overLongLines;
    invalidUtf8Lines += f.invalidUtf8Lines;
    nulBytes += f.nulBytes;
    crlfLines += f.crlfLines;
    if (f.truncatedLastLine) truncatedFiles += 1;
    if (f.gzipError !== null) gzipErrors += 1;
    if (f.recognizedLines > 0) recognizedFiles += 1;
  }
  return {
    files: files.length,
    recognizedFiles,
    bytes,
    lines,
    recognizedLines,
    overLongLines,
    invalidUtf8Lines,
    nulBytes,
    crlfLines,
    truncatedFiles,
    gzipErrors,
    skipped,
    interrupted,
  };
}
