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

const SPACE = new Set([' ', '\t', '\r', '\n']);

type State = 'start' | 'word' | 'escape' | 'escape-in-dq' | 'dq' | 'sq' | 'comment';

/** Splits like google/shlex.Split. Throws CLI_BAD_ARGUMENT where shlex returns an error. */
export function shlexSplit(input: string): string[] {
  const words: string[] = [];
  let state: State = 'start';
  let word = '';
  const flush = () => {
    words.push(word);
    word = '';
  };
  for (const ch of input) {
    switch (state) {
      case 'start':
        if (SPACE.has(ch)) break;
        if (ch === '#') state = 'comment';
        else if (ch === '"') state = 'dq';
        else if (ch === "'") state = 'sq';
        else if (ch === '\\') state = 'escape';
        else {
          word += ch;
          state = 'word';
        }
        break;
      case 'word':
        if (SPACE.has(ch)) {
          flush();
          state = 'start';
        } else if (ch === '"') state = 'dq';
        else if (ch === "'") state = 'sq';
        else if (ch === '\\') state = 'escape';
        else word += ch;
        break;
      case 'escape':
        word += ch;
        state = 'word';
        break;
      case 'escape-in-dq':
        word += ch;
        state = 'dq';
        break;
      case 'dq':
        if (ch === '"') state = 'word';
        else if (ch === '\\') state = 'escape-in-dq';
        else word += ch;
        break;
      case 'sq':
        if (ch === "'") state = 'word';
        else word += ch;
        break;
      case 'comment':
        if (ch === '\n') state = 'start';
        break;
    }
  }
  switch (state) {
    case 'word':
      flush();
      break;
    case 'escape':
    case 'escape-in-dq':
      throw new DiagError('CLI_BAD_ARGUMENT', 'command ends with an escape character');
    case 'dq':
    case 'sq':
      throw new DiagError('CLI_BAD_ARGUMENT', 'command has an unclosed quote');
    default:
      break;
  }
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
