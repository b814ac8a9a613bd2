import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readLines } from '../../../src/logs/line-reader.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ecs-diag-lines-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function read(content: Buffer | string, options: { chunkBytes?: number; maxLineBytes?: number } = {}) {
  const path = join(dir, 'f');
  await writeFile(path, content);
  const lines: string[] = [];
  const stats = await readLines(path, (l) => lines.push(l), options);
  return { lines, stats };
}

describe('readLines', () => {
  it('splits on LF, strips and counts CR, flags the truncated last line', async () => {
    const { lines, stats } = await read('a\r\nb\nc');
    expect(lines).toEqual(['a', 'b', 'c']);
    expect(stats).toMatchObject({ lines: 3, crlfLines: 1, truncatedLastLine: true });
  });

  it('gives the same lines whatever the chunk size, even inside multi-byte characters', async () => {
    const text = Array.from({ length: 40 }, (_, i) => `line ${i} é€😀 ${'x'.repeat(i % 37)}`).join('\n');
    const whole = await read(`${text}\n`);
    for (const chunkBytes of [1, 2, 3, 7, 64]) {
      const { lines, stats } = await read(`${text}\n`, { chunkBytes });
      expect(lines).toEqual(whole.lines);
      expect(stats.invalidUtf8Lines).toBe(0);
    }
  });

  it('cuts over-long lines to the limit and keeps reading the next ones', async () => {
    const { lines, stats } = await read(`${'y'.repeat(10_000)}\nnext\n`, {
      maxLineBytes: 300,
      chunkBytes: 512,
    });
    expect(lines).toEqual(['y'.repeat(300), 'next']);
    expect(stats.overLongLines).toBe(1);
  });

  it('counts invalid UTF-8 lines and NUL bytes', async () => {
    const bytes = Buffer.concat([
      Buffer.from('ok\n'),
      Buffer.from([0xc3, 0x28, 0x0a]), // invalid 2-byte sequence
      Buffer.from([0x61, 0x00, 0x00, 0x62, 0x0a]),
    ]);
    const { lines, stats } = await read(bytes);
    expect(lines).toHaveLength(3);
    expect(stats.invalidUtf8Lines).toBe(1);
    expect(stats.nulBytes).toBe(2);
  });

  it('reads gzip by its magic bytes and reports a truncated stream instead of failing', async () => {
    const gz = gzipSync('one\ntwo\nthree\n'.repeat(1000));
    const full = await read(gz);
    expect(full.stats.gzip).toBe(true);
    expect(full.lines).toHaveLength(3000);
    const cut = await read(gz.subarray(0, Math.floor(gz.length / 2)));
    expect(cut.stats.gzipError).not.toBeNull();
    expect(cut.lines.length).toBeLessThan(3000);
  });
});
