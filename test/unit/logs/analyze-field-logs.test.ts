import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeLogs } from '../../../src/logs/analyze.js';

const FIELD = join(import.meta.dirname, '../../fixtures/field-logs');

describe('analyze on the field excerpts', () => {
  it('finds the killed session, with its signature lines as evidence', async () => {
    const result = await analyzeLogs({ paths: [FIELD] });
    const killed = result.sessions.filter((s) => s.end.kind === 'cancelled-by-service');
    expect(killed.map((s) => s.sessionId)).toEqual(['ecs-execute-command-0123456789abc']);
    const [kill] = killed;
    expect(kill?.durationSeconds).toBeNull(); // the excerpts lost their timestamps
    const where = kill?.evidence.map((e) => `${e.file.slice(FIELD.length + 1)}:${e.line}:${e.role}`);
    expect(where).toContain('amazon-ssm-agent.log.kill.excerpt:2:kill'); // The session was cancelled
    expect(where).toContain('amazon-ssm-agent.log.kill.excerpt:4:kill'); // unable to wait pty: signal: killed
    // errors.log repeats the kill's ERROR line without any id: merged, not a second kill.
    expect(where).toContain('errors.log.excerpt:1:kill');
    expect(result.summary.kills).toBe(1);
  });

  it('sees the nohup run lose its connection to a session the service had already ended', async () => {
    const result = await analyzeLogs({ paths: [join(FIELD, 'amazon-ssm-agent.log.nohup.excerpt')] });
    expect(result.sessions).toHaveLength(1);
    expect(result.sessions[0]?.end.kind).toBe('connection-lost');
    expect(result.sessions[0]?.evidence.map((e) => e.line)).toEqual([1, 2]);
  });

  it('reads the transcripts: 5 s and 0 s, end unknown (the transcript cannot tell a kill)', async () => {
    const result = await analyzeLogs({
      paths: [join(FIELD, 'transcript.completed.log'), join(FIELD, 'transcript.nohup.log')],
    });
    expect(result.sessions.map((s) => [s.durationSeconds, s.end.kind])).toEqual([
      [5, 'unknown'],
      [0, 'unknown'],
    ]);
  });

  it('alone, errors.log still shows a kill (a session without id)', async () => {
    const result = await analyzeLogs({ paths: [join(FIELD, 'errors.log.excerpt')] });
    expect(result.sessions.map((s) => [s.sessionId, s.end.kind])).toEqual([[null, 'cancelled-by-service']]);
  });

  it('counts the files that hold no agent lines without failing on them', async () => {
    const result = await analyzeLogs({ paths: [FIELD] });
    expect(result.input.files).toBe(result.files.length);
    expect(result.files.find((f) => f.path.endsWith('ps-ef.txt'))?.format).toBe('unrecognized');
    expect(result.input.recognizedFiles).toBe(5);
  });
});
