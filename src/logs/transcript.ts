/**
 * Reads the orchestration transcript `<sessionId>.log` that the agent has util-linux `script`
 * write after a session, and finds session ids in orchestration paths.
 *
 * The header and footer differ by util-linux version (see {@link TranscriptVariant}); the
 * body is the session's raw output and is not interpreted. `COMMAND_EXIT_CODE` is the exit
 * status of the `cat` that replayed the output, NOT of the user's command.
 * @see ssm-data-channel.md §4.4
 */
import { basename, sep } from 'node:path';
import { CTIME_MONTHS, type TranscriptVariant } from './agent-log-format.js';
import { isSessionIdToken } from './line-parser.js';

/** A parsed `Script started on …` line. */
export interface TranscriptHeader {
  readonly variant: TranscriptVariant;
  /** Epoch ms; null when the date could not be read (another locale). */
  readonly time: number | null;
}

/** A parsed `Script done on …` line. */
export interface TranscriptFooter {
  readonly time: number | null;
  /** `COMMAND_EXIT_CODE`: the `cat`'s status (util-linux ≥ 2.33), not the user's command's. */
  readonly catExitCode: number | null;
}

const STARTED = 'Script started on ';
const DONE = 'Script done on ';

const ISO = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)([+-])(\d\d):?(\d\d)/;
const CTIME = /^[A-Z][a-z]{2} ([A-Z][a-z]{2}) +(\d{1,2}) (\d\d):(\d\d):(\d\d) (\d{4})/;

/** Parses util-linux's ISO time with offset (`2024-05-01 12:34:56+00:00`) or C's `%c` (read as UTC). */
function parseScriptTime(text: string): { time: number | null; iso: boolean } {
  const iso = ISO.exec(text);
  if (iso) {
    const [, y, mo, d, h, mi, s, sign, oh, om] = iso.map((v, i) => (i === 7 ? v : Number(v))) as [
      unknown,
      number,
      number,
      number,
      number,
      number,
      number,
      string,
      number,
      number,
    ];
    const offsetMs = (sign === '-' ? -1 : 1) * (oh * 60 + om) * 60_000;
    return { time: Date.UTC(y, mo - 1, d, h, mi, s) - offsetMs, iso: true };
  }
  const c = CTIME.exec(text);
  if (c) {
    const month = CTIME_MONTHS.indexOf(c[1] ?? '');
    if (month >= 0) {
      return {
        time: Date.UTC(Number(c[6]), month, Number(c[2]), Number(c[3]), Number(c[4]), Number(c[5])),
        iso: false,
      };
    }
  }
  return { time: null, iso: false };
}

/** Parses a transcript's first line, or null when it is not one. */
export function parseTranscriptHeader(line: string): TranscriptHeader | null {
  if (!line.startsWith(STARTED)) return null;
  const rest = line.slice(STARTED.length);
  const { time, iso } = parseScriptTime(rest);
  const variant: TranscriptVariant = !iso ? 'legacy' : rest.includes('[COMMAND="') ? 'iso-command' : 'iso';
  return { variant, time };
}

/** Parses a transcript's footer line, or null when it is not one. */
export function parseTranscriptFooter(line: string): TranscriptFooter | null {
  const at = line.indexOf(DONE);
  if (at < 0) return null;
  const rest = line.slice(at + DONE.length);
  const { time } = parseScriptTime(rest);
  // The footer follows "\n", but the body's last line may lack its own newline: mid-line, only with a date.
  if (at > 0 && time === null) return null;
  const code = /\[COMMAND_EXIT_CODE="(\d+)"\]/.exec(rest);
  return { time, catExitCode: code?.[1] !== undefined ? Number(code[1]) : null };
}

/** ECS Exec ids and Session Manager ids (`<principal>-<17 hex>`). */
const SESSION_ID_NAME = /^(ecs-execute-command-[A-Za-z0-9*-]+|[A-Za-z0-9._@=+-]+-[0-9a-f]{17})$/;

/**
 * The session id a path names: the directory after `orchestration/`
 * (`…/session/orchestration/<sessionId>/InteractiveCommands/…`), or a file called `<sessionId>.log`.
 */
export function sessionIdFromPath(path: string): string | null {
  const parts = path.split(sep);
  const at = parts.lastIndexOf('orchestration');
  const dir = at >= 0 ? parts[at + 1] : undefined;
  if (dir !== undefined && at + 2 < parts.length && isSessionIdToken(dir)) return dir;
  const name = basename(path)
    .replace(/\.gz$/, '')
    .replace(/\.\d+$/, '')
    .replace(/\.log$/, '');
  return SESSION_ID_NAME.test(name) ? name : null;
}
