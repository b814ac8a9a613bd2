/** Go shlex.Split as the agent uses it (google/shlex master semantics). */
import { describe, expect, it } from 'vitest';
import { goShlexSplit as shlexSplit } from '../../src/session/go-shlex.js';

describe('shlexSplit', () => {
  it.each([
    ['/bin/sh -c "echo ABC; /bin/sleep 1800"', ['/bin/sh', '-c', 'echo ABC; /bin/sleep 1800']],
    ["sh -c 'echo $HOME | wc -c'", ['sh', '-c', 'echo $HOME | wc -c']],
    ['  a\tb\r\nc  ', ['a', 'b', 'c']],
    ['a\\ b c', ['a b', 'c']],
    ['"a\\qb"', ['aqb']], // unlike POSIX: backslash escapes anything inside double quotes
    ["'a\\qb'", ['a\\qb']],
    ['x"y z"w', ['xy zw']],
    ['\'\' ""', ['', '']],
    ['echo # comment\nls', ['echo', 'ls']],
    ['a#b', ['a#b']],
    ['sleep 10 && echo done', ['sleep', '10', '&&', 'echo', 'done']],
    ['', []],
  ])('%j', (input, words) => {
    expect(shlexSplit(input)).toEqual({ words });
  });

  it('reports an unterminated quote with the words before it', () => {
    expect(shlexSplit("sh -c 'echo")).toEqual({
      words: ['sh', '-c'],
      error: 'EOF found when expecting closing quote',
    });
    expect(shlexSplit('a "b')).toEqual({ words: ['a'], error: 'EOF found when expecting closing quote' });
  });

  it('reports a trailing escape', () => {
    expect(shlexSplit('a b\\')).toEqual({ words: ['a'], error: 'EOF found after escape character' });
  });
});
