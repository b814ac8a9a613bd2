import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { analyzeLogs } from '../../../src/logs/analyze.js';
import { generateLog, mulberry32, randomSessions } from '../../helpers/log-generator.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ecs-diag-garbage-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (err) {
    return (err as { code?: string }).code;
  }
}

describe('analyze on garbage', () => {
  it('never throws on random bytes, and counts what it saw', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 4096 }), async (bytes) => {
        const path = join(dir, 'random.log');
        await writeFile(path, bytes);
        const result = await analyzeLogs({ paths: [path], maxLineBytes: 512 });
        const nuls = bytes.filter((b) => b === 0).length;
        expect(result.input.nulBytes).toBe(nuls);
        expect(result.input.bytes).toBe(bytes.length);
      }),
      { numRuns: 60 },
    );
  });

  it('finds the sessions among NULs, CRLF, huge lines and invalid UTF-8', async () => {
    const sessions = randomSessions(mulberry32(11), { count: 8, ends: ['killed'] });
    const lines = generateLog(sessions, 'ecs-exec');
    const noisy = Buffer.concat([
      Buffer.from(`${'Z'.repeat(300_000)}\n`),
      Buffer.from([0xff, 0xfe, 0x00, 0x0a]),
      Buffer.from(lines.join('\r\n')), // no final newline
    ]);
    await writeFile(join(dir, 'amazon-ssm-agent.log'), noisy);
    const result = await analyzeLogs({ paths: [dir] });
    expect(result.summary.kills).toBe(8);
    expect(result.input).toMatchObject({
      overLongLines: 1,
      invalidUtf8Lines: 1,
      nulBytes: 1,
      crlfLines: lines.length - 1,
      truncatedFiles: 1,
    });
  });

  it('reads what a truncated .gz holds before the damage, and reports it', async () => {
    const sessions = randomSessions(mulberry32(12), { count: 40, ends: ['killed'] });
    const gz = gzipSync(`${generateLog(sessions, 'ecs-exec').join('\n')}\n`);
    await writeFile(join(dir, 'amazon-ssm-agent.log.1.gz'), gz.subarray(0, Math.floor(gz.length * 0.6)));
    const result = await analyzeLogs({ paths: [dir] });
    expect(result.input.gzipErrors).toBe(1);
    expect(result.summary.kills).toBeGreaterThan(0);
    expect(result.summary.kills).toBeLessThan(40);
  });

  it('a missing path is LOGS_PATH_NOT_FOUND; an empty directory LOGS_NOTHING_TO_ANALYZE', async () => {
    expect(await codeOf(analyzeLogs({ paths: [join(dir, 'nope')] }))).toBe('LOGS_PATH_NOT_FOUND');
    await mkdir(join(dir, 'empty'));
    expect(await codeOf(analyzeLogs({ paths: [join(dir, 'empty')] }))).toBe('LOGS_NOTHING_TO_ANALYZE');
  });

  it.skipIf(process.getuid?.() === 0)('an unreadable file is LOGS_UNREADABLE', async () => {
    const path = join(dir, 'secret.log');
    await writeFile(path, 'x\n');
    await chmod(path, 0o000);
    expect(await codeOf(analyzeLogs({ paths: [path] }))).toBe('LOGS_UNREADABLE');
  });

  it.skipIf(process.platform !== 'linux')('a file that fails on read (EIO) is LOGS_UNREADABLE', async () => {
    expect(await codeOf(analyzeLogs({ paths: ['/proc/self/mem'] }))).toBe('LOGS_UNREADABLE');
  });

  it('skips the collect-logs manifest.json and recurses into the output', async () => {
    await mkdir(join(dir, 'task-1', 'var-log-amazon-ssm'), { recursive: true });
    await writeFile(join(dir, 'manifest.json'), '{"files":[]}\n');
    const sessions = randomSessions(mulberry32(13), { count: 3 });
    await writeFile(
      join(dir, 'task-1', 'var-log-amazon-ssm', 'amazon-ssm-agent.log'),
      `${generateLog(sessions, 'ecs-exec').join('\n')}\n`,
    );
    const result = await analyzeLogs({ paths: [dir] });
    expect(result.input.skipped).toEqual([join(dir, 'manifest.json')]);
    expect(result.sessions).toHaveLength(3);
  });

  it('stops at Ctrl-C and says the result is partial', async () => {
    await writeFile(join(dir, 'a.log'), 'x\n');
    const controller = new AbortController();
    controller.abort();
    const result = await analyzeLogs({ paths: [dir], signal: controller.signal });
    expect(result.input.interrupted).toBe(true);
  });
});
