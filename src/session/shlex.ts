/**
 * Shell-style word splitting exactly as ECS Exec's agent does it (github.com/google/shlex, the
 * version the agent uses: e7afc7fb), and the quoting that survives it.
 *
 * The agent splits the `--command` string and execs argv[0] without a shell (§3.3), so anything
 * that needs a shell must be passed as `sh -c '…'`. Rules of that splitter:
 * - separators: space, tab, CR, LF;
 * - `'…'`: everything literal up to the next `'`;
 * - `"…"`: a backslash escapes ANY next character (unlike POSIX);
 * - `\x` outside quotes: x literally;
 * - `#` at the start of a word starts a comment up to the next LF;
 * - an unclosed quote or a trailing backslash is an error (the session then fails to start).
 *
 * @see ssm-data-channel.md §3.3
 * @see aws/amazon-ssm-agent agent/session/shell/shell_unix.go StartCommandExecutor (shlex.Split)
 */
import { DiagError } from '../errors.js';
import { goShlexSplit } from './go-shlex.js';

/**
 * Splits like google/shlex.Split (the one implementation: {@link goShlexSplit}, which the emulator's
 * agent uses too). Throws CLI_BAD_ARGUMENT where shlex returns an error.
 */
export function shlexSplit(input: string): string[] {
  const { words, error } = goShlexSplit(input);
  if (error !== undefined) throw new DiagError('CLI_BAD_ARGUMENT', `the command cannot be split: ${error}`);
  return words;
}

/**
 * Quotes one argument so that {@link shlexSplit} (and a POSIX shell) gives it back unchanged:
 * single quotes, with each `'` written as `'\''`. NUL cannot be passed to exec and is refused.
 */
export function shlexQuote(arg: string): string {
  if (arg.includes('\0')) throw new DiagError('CLI_BAD_ARGUMENT', 'a command cannot contain a NUL character');
  return `'${arg.replaceAll("'", "'\\''")}'`;
}

/** Joins quoted arguments into one ECS Exec command string. */
export function shlexJoin(argv: readonly string[]): string {
  return argv.map(shlexQuote).join(' ');
}
