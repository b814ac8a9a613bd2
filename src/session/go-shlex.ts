/**
 * Go's `github.com/google/shlex` Split, as the SSM agent uses it in ContainerMode to turn the
 * ECS Exec command string into argv (no shell involved).
 *
 * Rules (google/shlex master, vendored by amazon-ssm-agent):
 * - space, tab, CR and LF separate words;
 * - `'…'` quotes literally; `"…"` quotes with `\\` escaping ANY next character (unlike POSIX);
 * - `\\` outside quotes escapes the next character;
 * - `#` at the START of a word begins a comment up to the next LF; inside a word it is literal;
 * - `''` and `""` make an empty word;
 * - an unterminated quote or a trailing `\\` is an error; the words before it are still returned.
 *
 * @see https://github.com/google/shlex/blob/master/shlex.go (scanStream)
 * @see ssm-data-channel.md §3.3 (AGENT shell_unix.go StartCommandExecutor)
 */

/** The result of {@link shlexSplit}: the words, and Go's error text when the input was malformed. */
export interface ShlexResult {
  readonly words: string[];
  readonly error?: string;
}

type State = 'start' | 'word' | 'escaping' | 'escapingQuoted' | 'quotingEscaping' | 'quoting' | 'comment';

const SPACE = new Set([' ', '\t', '\r', '\n']);

/** Splits a command line exactly as Go's shlex.Split does. */
export function goShlexSplit(input: string): ShlexResult {
  const words: string[] = [];
  const chars = [...input];
  let i = 0;
  for (;;) {
    let state: State = 'start';
    let value = '';
    let isWord = false;
    let error: string | undefined;
    scan: for (;;) {
      const c = chars[i++];
      switch (state) {
        case 'start':
          if (c === undefined) return { words };
          if (SPACE.has(c)) break;
          isWord = c !== '#';
          if (c === '"') state = 'quotingEscaping';
          else if (c === "'") state = 'quoting';
          else if (c === '\\') state = 'escaping';
          else if (c === '#') state = 'comment';
          else {
            value += c;
            state = 'word';
          }
          break;
        case 'word':
          if (c === undefined || SPACE.has(c)) break scan;
          if (c === '"') state = 'quotingEscaping';
          else if (c === "'") state = 'quoting';
          else if (c === '\\') state = 'escaping';
          else value += c;
          break;
        case 'escaping':
          if (c === undefined) {
            error = 'EOF found after escape character';
            break scan;
          }
          value += c;
          state = 'word';
          break;
        case 'escapingQuoted':
          if (c === undefined) {
            error = 'EOF found after escape character';
            break scan;
          }
          value += c;
          state = 'quotingEscaping';
          break;
        case 'quotingEscaping':
          if (c === undefined) {
            error = 'EOF found when expecting closing quote';
            break scan;
          }
          if (c === '"') state = 'word';
          else if (c === '\\') state = 'escapingQuoted';
          else value += c;
          break;
        case 'quoting':
          if (c === undefined) {
            error = 'EOF found when expecting closing quote';
            break scan;
          }
          if (c === "'") state = 'word';
          else value += c;
          break;
        case 'comment':
          if (c === undefined || c === '\n') break scan;
          break;
      }
    }
    if (error !== undefined) return { words, error };
    if (isWord) words.push(value);
    if (i > chars.length) return { words };
  }
}
