import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TRANSCRIPT_VARIANTS } from '../../../src/logs/agent-log-format.js';
import { analyzeLogs } from '../../../src/logs/analyze.js';
import type { AnalyzeResult } from '../../../src/logs/analyze-result.js';
import {
  type ExpectedSession,
  expectedSession,
  type GeneratedFormat,
  generateExcerpt,
  generateLog,
  generateTranscript,
  mulberry32,
  randomSessions,
  type SessionSpec,
} from '../../helpers/log-generator.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ecs-diag-analyze-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The reported sessions in the shape of {@link ExpectedSession}, sorted by id. */
function actual(result: AnalyzeResult): ExpectedSession[] {
  return result.sessions
    .map((s) => ({
      sessionId: s.sessionId ?? '(none)',
      start: s.start,
      endAt: s.end.at,
      kind: s.end.kind,
      exitStatus: s.end.exitStatus,
      durationSeconds: s.durationSeconds,
    }))
    .sort((a, b) => a.sessionId.localeCompare(b.sessionId));
}

function expected(
  sessions: readonly SessionSpec[],
  format: GeneratedFormat | 'transcript',
): ExpectedSession[] {
  return sessions
    .map((s) => expectedSession(s, format))
    .filter((e): e is ExpectedSession => e !== null)
    .sort((a, b) => a.sessionId.localeCompare(b.sessionId));
}

async function write(name: string, lines: readonly string[] | string): Promise<string> {
  const path = join(dir, name);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, typeof lines === 'string' ? lines : `${lines.join('\n')}\n`);
  return path;
}

const FORMATS: ReadonlyArray<[GeneratedFormat, string]> = [
  ['ecs-exec', 'amazon-ssm-agent.log'],
  ['stock', 'amazon-ssm-agent.log'],
  ['legacy', 'amazon-ssm-agent.log'],
  ['errors-log', 'errors.log'],
];

describe('analyze on generated logs', () => {
  for (const [format, name] of FORMATS) {
    for (const seed of [1, 2, 3]) {
      it(`gets every session, end and duration right: ${format}, seed ${seed}`, async () => {
        const rng = mulberry32(seed * 7919);
        const sessions = randomSessions(rng, { count: 25, meanGapMs: 400_000 });
        await write(name, generateLog(sessions, format, { seed }));
        const result = await analyzeLogs({ paths: [dir] });
        expect(actual(result)).toEqual(expected(sessions, format));
        const kills = sessions.filter((s) => s.end.kind === 'killed').length;
        expect(result.summary.kills).toBe(kills);
        expect(result.files[0]?.format).toBe(
          format === 'errors-log' ? 'errors-log' : format === 'stock' ? 'agent-log-fractional' : 'agent-log',
        );
      });
    }
  }

  it('reports kill durations min/median/max from the generated kills', async () => {
    const sessions = randomSessions(mulberry32(42), { count: 15, ends: ['killed'] });
    await write('amazon-ssm-agent.log', generateLog(sessions, 'ecs-exec'));
    const result = await analyzeLogs({ paths: [dir] });
    const durations = expected(sessions, 'ecs-exec')
      .map((e) => e.durationSeconds as number)
      .sort((a, b) => a - b);
    expect(result.summary.killDurationSeconds).toEqual({
      count: 15,
      min: durations[0],
      median: durations[7],
      max: durations[14],
    });
    for (const s of result.sessions) {
      expect(s.end.idleTimeoutWindow).toBe(true);
      expect(
        s.evidence.some((e) => e.role === 'kill' && e.text.endsWith('unable to wait pty: signal: killed')),
      ).toBe(true);
    }
  });

  it('follows a session across a rolled, gzipped file and the live one', async () => {
    const sessions = randomSessions(mulberry32(5), { count: 20, meanGapMs: 200_000 });
    const lines = generateLog(sessions, 'ecs-exec');
    const half = Math.floor(lines.length / 2);
    await writeFile(join(dir, 'amazon-ssm-agent.log.1.gz'), gzipSync(`${lines.slice(0, half).join('\n')}\n`));
    await write('amazon-ssm-agent.log', lines.slice(half));
    const result = await analyzeLogs({ paths: [dir] });
    expect(actual(result)).toEqual(expected(sessions, 'ecs-exec'));
    expect(result.files.map((f) => f.gzip)).toEqual([true, false]);
  });

  it('reads nohup.out (the console log) among the command output', async () => {
    const sessions = randomSessions(mulberry32(6), { count: 10 });
    const lines = generateLog(sessions, 'ecs-exec').flatMap((l, i) => (i % 7 === 0 ? ['ABC', l] : [l]));
    await write('nohup.out', ['nohup: ignoring input', ...lines]);
    const result = await analyzeLogs({ paths: [join(dir, 'nohup.out')] });
    expect(actual(result)).toEqual(expected(sessions, 'ecs-exec'));
  });

  it('merges the main log and errors.log of the same sessions', async () => {
    const sessions = randomSessions(mulberry32(7), { count: 12 });
    await write('amazon-ssm-agent.log', generateLog(sessions, 'ecs-exec'));
    await write('errors.log', generateLog(sessions, 'errors-log'));
    const result = await analyzeLogs({ paths: [dir] });
    expect(actual(result)).toEqual(expected(sessions, 'ecs-exec'));
  });

  for (const variant of TRANSCRIPT_VARIANTS) {
    it(`reads orchestration transcripts (${variant} header), the id from the directory`, async () => {
      const sessions = randomSessions(mulberry32(8), { count: 6, ends: ['completed', 'killed'] });
      for (const s of sessions) {
        const t = generateTranscript(s, variant);
        await write(t.path, t.text);
      }
      const result = await analyzeLogs({ paths: [dir] });
      expect(actual(result)).toEqual(expected(sessions, 'transcript'));
      expect(result.files.every((f) => f.format === 'transcript')).toBe(true);
    });
  }

  it('combines transcripts with the agent log: the log decides the end', async () => {
    const sessions = randomSessions(mulberry32(9), { count: 8, ends: ['completed', 'killed'] });
    await write('amazon-ssm-agent.log', generateLog(sessions, 'ecs-exec'));
    for (const s of sessions) {
      const t = generateTranscript(s, 'iso');
      await write(t.path, t.text);
    }
    const result = await analyzeLogs({ paths: [dir] });
    expect(actual(result)).toEqual(expected(sessions, 'ecs-exec'));
  });

  it('attributes excerpt lines without prefix to the session named later in the file', async () => {
    const sessions = randomSessions(mulberry32(10), { count: 3, ends: ['killed'] });
    for (const [i, s] of sessions.entries()) await write(`kill-${i}.excerpt`, generateExcerpt(s));
    const result = await analyzeLogs({ paths: [dir] });
    expect(result.sessions.map((s) => [s.sessionId, s.end.kind, s.durationSeconds]).sort()).toEqual(
      sessions.map((s) => [s.id, 'cancelled-by-service', null]).sort(),
    );
  });
});
