/**
 * The report, regress and bundle commands through the CLI's composition root (in process).
 */
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/run-cli.js';
import { DEFAULT_SPECS, makeReport, writeRunDir } from './fixtures.js';

const cli = (args: string[]) => runCli(args, { TZ: 'UTC' });

let tmp: string;
let baseDir: string;
let worseDir: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'ecs-diag-cmd-'));
  baseDir = await writeRunDir(join(tmp, 'base'), makeReport(DEFAULT_SPECS, { runId: 'base' }));
  const worse = DEFAULT_SPECS.map((s) =>
    s.variant === 'nohup' ? { ...s, outcome: 'killed' as const, killedAtS: 1230 } : s,
  );
  worseDir = await writeRunDir(join(tmp, 'worse'), makeReport(worse, { runId: 'worse' }));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('ecs-diag report', () => {
  it.each([
    ['table', 'kill window: n=4'],
    ['md', '## Outcomes per variant and duration'],
    ['html', '<svg'],
    ['json', '"schemaVersion": 1'],
  ])('renders --format %s', async (format, expected) => {
    const r = await cli(['report', baseDir, '--format', format]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(expected);
  });

  it('writes to -o, taking the format from the extension', async () => {
    const out = join(tmp, 'r.html');
    const r = await cli(['report', baseDir, '-o', out]);
    expect(r.code).toBe(0);
    expect(await readFile(out, 'utf8')).toMatch(/^<!doctype html>/);
  });

  it('exits 2 on a bad run directory or a bad zone', async () => {
    expect((await cli(['report', join(tmp, 'nope')])).code).toBe(2);
    const bad = await cli(['report', baseDir, '--time-zone', 'Mars/Olympus']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('[CLI_BAD_ARGUMENT]');
  });
});

describe('ecs-diag regress', () => {
  it('exits 0 and says so without a regression', async () => {
    const r = await cli(['regress', '--baseline', join(baseDir, 'report.json'), '--current', baseDir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^# ecs-diag regress: no regression/);
  });
  it('exits 1 on a regression, with the Markdown diff', async () => {
    const r = await cli(['regress', '--baseline', baseDir, '--current', worseDir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('nohup no longer survives');
  });
  it('prints JSON with --json', async () => {
    const r = await cli(['regress', '--baseline', baseDir, '--current', worseDir, '--json']);
    expect(JSON.parse(r.stdout).failed).toBe(true);
  });
  it('exits 2 on bad input', async () => {
    expect((await cli(['regress', '--baseline', join(tmp, 'none.json'), '--current', baseDir])).code).toBe(2);
    expect(
      (await cli(['regress', '--baseline', baseDir, '--current', baseDir, '--tolerance-s', '-1'])).code,
    ).toBe(2);
  });
});

describe('ecs-diag bundle', () => {
  it('writes a 0600 archive that bundle verify accepts', async () => {
    const out = join(tmp, 'case.tar.gz');
    const r = await cli(['bundle', baseDir, worseDir, '-o', out, '--redact-account']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('account ids and ARNs redacted');
    expect((await stat(out)).mode & 0o777).toBe(0o600);
    const v = await cli(['bundle', 'verify', out]);
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(/^ok: \d+ files match/m);
  });
  it('exits 2 without -o, and on a missing archive', async () => {
    expect((await cli(['bundle', baseDir])).code).toBe(2);
    expect((await cli(['bundle', 'verify', join(tmp, 'missing.tar.gz')])).code).toBe(2);
  });
});

describe('ecs-diag report --redact-account', () => {
  it('renders without account ids or ARNs', async () => {
    const plain = await cli(['report', baseDir, '--format', 'json']);
    expect(plain.stdout).toContain('arn:aws:ecs:');
    const r = await cli(['report', baseDir, '--format', 'json', '--redact-account']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/arn:aws|\d{12}/);
    expect(r.stdout).toContain('[REDACTED:arn]');
  });
});
