/**
 * Renders an {@link AnalyzeResult} for people: a table of sessions (the `table` package), the
 * evidence behind each conclusion, the summary and what was odd about the input.
 */
import { basename } from 'node:path';
import { getBorderCharacters, table } from 'table';
import type { AnalyzeResult, InputSummary, SessionEndKind, SessionReport } from './analyze-result.js';

const END_LABEL: Readonly<Record<SessionEndKind, string>> = {
  completed: 'completed',
  'cancelled-by-service': 'KILLED (cancelled by the service)',
  'worker-signalled': 'worker signalled',
  'connection-lost': 'connection lost',
  unknown: 'unknown',
};

/** `1234.5` → `1234.5 s (20m35s)`. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null) return '?';
  const whole = Math.round(seconds);
  const m = Math.floor(whole / 60);
  const s = whole % 60;
  const exact = Number.isInteger(seconds) ? String(seconds) : seconds.toFixed(3);
  return m > 0 ? `${exact} s (${m}m${String(s).padStart(2, '0')}s)` : `${exact} s`;
}

function endCell(s: SessionReport): string {
  const parts = [END_LABEL[s.end.kind]];
  if (s.end.exitStatus !== undefined) parts.push(`exit ${s.end.exitStatus}`);
  if (s.end.exitSignal !== undefined) parts.push(`signal ${s.end.exitSignal}`);
  if (s.end.idleTimeoutWindow === true) parts.push('in the 20-min idle-timeout window');
  return parts.join(', ');
}

/** The id, or `(no id) <file name>` (the JSON label has the whole path). */
function shortLabel(s: SessionReport): string {
  return s.sessionId ?? `(no id) ${basename(s.files[0] ?? '?')}`;
}

function time(iso: string | null): string {
  return iso === null ? '?' : iso.replace('T', ' ').replace(/(\.000)?Z$/, 'Z');
}

function inputLine(input: InputSummary): string {
  const odd = [
    `${input.overLongLines} over-long`,
    `${input.invalidUtf8Lines} invalid UTF-8`,
    `${input.nulBytes} NUL bytes`,
    `${input.crlfLines} CRLF`,
    `${input.truncatedFiles} truncated last line`,
    `${input.gzipErrors} damaged .gz`,
  ].join(', ');
  const interrupted = input.interrupted ? ' (INTERRUPTED: partial result)' : '';
  return `Input: ${input.files} file(s), ${input.recognizedFiles} with agent log lines; ${input.lines} lines, ${input.recognizedLines} recognized; ${odd}${interrupted}`;
}

/** The whole human-readable report. `evidence: 'all' | 'ends'` chooses which sessions list their lines. */
export function renderAnalyzeTable(
  result: AnalyzeResult,
  options: { readonly allEvidence?: boolean } = {},
): string {
  const out: string[] = [];
  const { summary } = result;
  if (result.sessions.length === 0) {
    out.push('No sessions found.');
  } else {
    const rows = [
      ['Session', 'Start (UTC)', 'Duration', 'End'],
      ...result.sessions.map((s) => [
        shortLabel(s),
        time(s.start),
        formatDuration(s.durationSeconds),
        endCell(s),
      ]),
    ];
    out.push(
      table(rows, {
        border: getBorderCharacters('norc'),
        columns: { 0: { width: 44, wrapWord: false }, 3: { width: 40, wrapWord: true } },
        drawHorizontalLine: (i, n) => i === 0 || i === 1 || i === n,
      }).trimEnd(),
    );
    out.push('');
    for (const s of result.sessions) {
      if (!options.allEvidence && s.end.kind === 'unknown') continue;
      out.push(`${s.label}: ${endCell(s)}: ${s.end.reason}`);
      for (const e of s.evidence) out.push(`  ${e.file}:${e.line}  ${e.text}`);
      if (s.evidenceOmitted > 0) out.push(`  … ${s.evidenceOmitted} more line(s)`);
    }
    if (out[out.length - 1] !== '') out.push('');
  }
  const kd = summary.killDurationSeconds;
  const kills =
    kd === null
      ? `${summary.kills} kill(s)${summary.kills > 0 ? ', durations unknown (no timestamps)' : ''}`
      : `${summary.kills} kill(s), duration min ${kd.min} s / median ${kd.median} s / max ${kd.max} s (${kd.count} with timestamps)`;
  const ends = Object.entries(summary.byEnd)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
  out.push(`Summary: ${summary.sessions} session(s)${ends ? ` (${ends})` : ''}; ${kills}`);
  out.push(inputLine(result.input));
  return `${out.join('\n')}\n`;
}
