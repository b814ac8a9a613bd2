/**
 * The CLI contract, checked on the BUILT binary run as a child process (`npm test` builds first):
 * help with examples on every command, one-line errors with documented exit codes, --debug
 * stacks, and the analyze --json schema.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commands/index.js';
import { EXIT } from '../../src/exit-codes.js';
import { ANALYZE_SCHEMA_VERSION, SESSION_END_KINDS } from '../../src/logs/analyze-result.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'dist/src/cli/bin.js');
const FIELD = join(ROOT, 'test/fixtures/field-logs');

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** At most one child per CPU at a time: each loads the whole CLI. */
const MAX_CHILDREN = Math.max(1, availableParallelism());
let running = 0;
const waiting: Array<() => void> = [];

async function run(args: readonly string[]): Promise<Run> {
  if (running >= MAX_CHILDREN) await new Promise<void>((r) => waiting.push(r));
  running += 1;
  try {
    return await spawnCli(args);
  } finally {
    running -= 1;
    waiting.shift()?.();
  }
}

function spawnCli(args: readonly string[]): Promise<Run> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, timeout: 170_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}

/** Lines of stderr that are not empty. */
function errorLines(r: Run): string[] {
  return r.stderr.split('\n').filter((l) => l.trim().length > 0);
}

const STACK_FRAME = /^\s+at .+/m;

let tmp: string;
beforeAll(async () => {
  if (!existsSync(BIN)) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
  tmp = await mkdtemp(join(tmpdir(), 'ecs-diag-cli-'));
}, 120_000);
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

// Generous timeouts: a child loads the whole CLI, and a busy CI machine can make that slow.
describe.concurrent('ecs-diag (built binary)', { timeout: 180_000 }, () => {
  it('--help lists the commands and exits 0', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(EXIT.OK);
    expect(r.stdout).toContain('analyze');
  });

  const names = COMMANDS.map(
    (c) => String(Array.isArray(c.command) ? c.command[0] : c.command).split(' ')[0],
  );
  for (const name of names) {
    it(`${name} --help shows examples`, async () => {
      const r = await run([name as string, '--help']);
      expect(r.code).toBe(EXIT.OK);
      expect(r.stdout).toMatch(/Examples:/);
    });
  }

  it('an unknown option is one line on stderr, exit 2, no stack', async () => {
    const r = await run(['analyze', FIELD, '--no-such-option']);
    expect(r.code).toBe(EXIT.USAGE);
    expect(errorLines(r)).toHaveLength(1);
    expect(r.stderr).not.toMatch(STACK_FRAME);
  });

  it('an unknown command exits 2', async () => {
    const r = await run(['no-such-command']);
    expect(r.code).toBe(EXIT.USAGE);
    expect(r.stderr).not.toMatch(STACK_FRAME);
  });

  it('a missing path is one line with its code, exit 2', async () => {
    const r = await run(['analyze', join(tmp, 'missing')]);
    expect(r.code).toBe(EXIT.USAGE);
    expect(errorLines(r)).toHaveLength(1);
    expect(r.stderr).toContain('[LOGS_PATH_NOT_FOUND]');
    expect(r.stderr).not.toMatch(STACK_FRAME);
  });

  it('--debug adds the stack to the same error', async () => {
    const r = await run(['analyze', join(tmp, 'missing'), '--debug']);
    expect(r.code).toBe(EXIT.USAGE);
    expect(r.stderr).toContain('[LOGS_PATH_NOT_FOUND]');
    expect(r.stderr).toMatch(STACK_FRAME);
  });

  it('nothing to analyze (an empty directory) exits 2', async () => {
    const r = await run(['analyze', tmp]);
    expect(r.code).toBe(EXIT.USAGE);
    expect(r.stderr).toContain('[LOGS_NOTHING_TO_ANALYZE]');
  });

  it('analyze reports the field kill in the table, exit 0', async () => {
    const r = await run(['analyze', FIELD]);
    expect(r.code).toBe(EXIT.OK);
    expect(r.stdout).toContain('ecs-execute-command-0123456789abc');
    expect(r.stdout).toContain('unable to wait pty: signal: killed');
    expect(r.stdout).toMatch(/amazon-ssm-agent\.log\.kill\.excerpt:4/);
  });

  it('analyze --fail-on-kill exits 1 when a kill was found', async () => {
    expect((await run(['analyze', FIELD, '--fail-on-kill'])).code).toBe(EXIT.FINDINGS);
    const noKill = await run(['analyze', join(FIELD, 'transcript.completed.log'), '--fail-on-kill']);
    expect(noKill.code).toBe(EXIT.OK);
  });

  it('analyze --json follows the documented schema', async () => {
    const r = await run(['analyze', FIELD, '--json']);
    expect(r.code).toBe(EXIT.OK);
    const doc = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(doc['schemaVersion']).toBe(ANALYZE_SCHEMA_VERSION);
    const sessions = doc['sessions'] as Array<Record<string, unknown>>;
    expect(sessions.length).toBeGreaterThan(0);
    for (const s of sessions) {
      expect(s).toEqual(
        expect.objectContaining({
          sessionId: expect.toSatisfy((v: unknown) => v === null || typeof v === 'string'),
          label: expect.any(String),
          start: expect.toSatisfy((v: unknown) => v === null || !Number.isNaN(Date.parse(String(v)))),
          durationSeconds: expect.toSatisfy((v: unknown) => v === null || typeof v === 'number'),
          evidence: expect.any(Array),
          evidenceOmitted: expect.any(Number),
          files: expect.any(Array),
        }),
      );
      const end = s['end'] as Record<string, unknown>;
      expect(SESSION_END_KINDS).toContain(end['kind']);
      expect(end).toHaveProperty('at');
      expect(typeof end['reason']).toBe('string');
      for (const e of s['evidence'] as Array<Record<string, unknown>>) {
        expect(e).toEqual({
          file: expect.any(String),
          line: expect.any(Number),
          text: expect.any(String),
          role: expect.any(String),
        });
      }
    }
    expect(doc['summary']).toEqual(
      expect.objectContaining({ sessions: sessions.length, kills: 1, killDurationSeconds: null }),
    );
    expect(doc['input']).toEqual(
      expect.objectContaining({
        files: expect.any(Number),
        overLongLines: 0,
        invalidUtf8Lines: 0,
        nulBytes: 0,
        crlfLines: 0,
        truncatedFiles: 0,
        interrupted: false,
      }),
    );
    expect(Array.isArray(doc['files'])).toBe(true);
  });
});
