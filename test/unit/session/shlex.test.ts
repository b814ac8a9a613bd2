/**
 * The quoting that carries a user command through ECS Exec's shlex split (google/shlex) unchanged,
 * checked against our faithful splitter and against python3's POSIX shlex.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { wrapCommand, wrapperScript } from '../../../src/session/command-wrapper.js';
import { shlexJoin, shlexQuote, shlexSplit } from '../../../src/session/shlex.js';

/** Valid Unicode text without NUL (what JSON can carry and exec accepts). */
const arg = fc
  .string({
    unit: fc.oneof(
      fc.constantFrom(
        "'",
        '"',
        '\\',
        '$',
        '`',
        '\n',
        '\r',
        '\t',
        ' ',
        '#',
        '!',
        '*',
        '(',
        ';',
        '&',
        '|',
        'é',
        '✓',
        '🚀',
      ),
      fc.string({ unit: 'grapheme', maxLength: 1 }),
    ),
    maxLength: 40,
  })
  .filter((s) => !s.includes('\0'));

describe('shlexSplit (google/shlex)', () => {
  it.each([
    ['one "two three" four', ['one', 'two three', 'four']],
    ["a 'b c'd e", ['a', 'b cd', 'e']],
    ['a\\ b', ['a b']],
    ['"a\\zb"', ['azb']],
    ["''", ['']],
    ['  x\t\ny\r', ['x', 'y']],
    ['# comment\necho hi', ['echo', 'hi']],
    ['echo a#b', ['echo', 'a#b']],
    ["echo 'it'\\''s'", ['echo', "it's"]],
  ])('%j → %j', (input, expected) => {
    expect(shlexSplit(input)).toEqual(expected);
  });

  it('rejects unclosed quotes and a trailing escape', () => {
    expect(() => shlexSplit("echo 'x")).toThrowError(expect.objectContaining({ code: 'CLI_BAD_ARGUMENT' }));
    expect(() => shlexSplit('echo "x')).toThrowError(expect.objectContaining({ code: 'CLI_BAD_ARGUMENT' }));
    expect(() => shlexSplit('echo x\\')).toThrowError(expect.objectContaining({ code: 'CLI_BAD_ARGUMENT' }));
  });
});

describe('shlexQuote', () => {
  it('any string arrives unchanged through the agent split', () => {
    fc.assert(
      fc.property(fc.array(arg, { minLength: 1, maxLength: 6 }), (argv) => {
        expect(shlexSplit(shlexJoin(argv))).toEqual(argv);
      }),
      { numRuns: 1000 },
    );
  });

  it('agrees with python3 shlex.split (POSIX) on the same strings', () => {
    const samples = fc.sample(fc.array(arg, { minLength: 1, maxLength: 4 }), { numRuns: 200, seed: 7 });
    const lines = samples.map((argv) => shlexJoin(argv));
    const py = execFileSync(
      existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3',
      ['-c', 'import json,shlex,sys\nfor l in json.load(sys.stdin): print(json.dumps(shlex.split(l)))'],
      { input: JSON.stringify(lines) },
    )
      .toString('utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as string[]);
    expect(py).toEqual(samples);
  });

  it('refuses NUL (exec cannot carry it)', () => {
    expect(() => shlexQuote('a\0b')).toThrowError(expect.objectContaining({ code: 'CLI_BAD_ARGUMENT' }));
  });
});

describe('wrapCommand', () => {
  it('splits into sh -c <wrapper> ecs-diag <command> <marker>', () => {
    fc.assert(
      fc.property(arg, (command) => {
        expect(shlexSplit(wrapCommand(command, 'ECSDIAG_M'))).toEqual([
          'sh',
          '-c',
          wrapperScript('null'),
          'ecs-diag',
          command,
          'ECSDIAG_M',
        ]);
      }),
    );
  });

  it('runs under a real sh with the exact output and status', () => {
    const command = "printf '%s' 'it'\"'\"'s \"q\" $HOME `x` é'; echo; exit 7";
    const argv = shlexSplit(wrapCommand(command, 'ECSDIAG_T'));
    let out = '';
    let status = 0;
    try {
      out = execFileSync(argv[0] as string, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
    } catch (e) {
      const err = e as { stdout: Buffer; status: number };
      out = err.stdout.toString();
      status = err.status;
    }
    expect(status).toBe(0);
    expect(out).toMatch(/^ECSDIAG_T:begin:(raw|crlf)\n/);
    expect(out.endsWith('it\'s "q" $HOME `x` é\n\nECSDIAG_T:end:7\n')).toBe(true);
  });
});
