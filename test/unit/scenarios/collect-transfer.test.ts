import { execSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseProbe, probeScript } from '../../../src/scenarios/collect/artifacts.js';
import {
  decodeRange,
  pickEncoding,
  readRange,
  type TransferEncoding,
} from '../../../src/scenarios/collect/transfer.js';
import { hostShell } from '../../helpers/host-shell.js';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const hasBusybox = (() => {
  try {
    return execSync('command -v busybox', { shell: '/bin/sh' }).length > 0;
  } catch {
    return false;
  }
})();

describe('collect transfer scripts on a real shell', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ecs-diag-collect-'));
  const binary = randomBytes(300_000);
  const binPath = join(dir, "odd name 'with' quotes $x.bin");
  writeFileSync(binPath, binary);

  for (const encoding of ['gzip+base64', 'base64', 'hex', 'raw'] as TransferEncoding[]) {
    it(`moves binary bytes exactly with ${encoding}, in chunks`, async () => {
      const shell = hostShell('sh');
      const bytes = await readRange(shell, binPath, 0, binary.length, { encoding, chunkBytes: 70_000 });
      expect(sha(bytes)).toBe(sha(binary));
      expect(shell.runs).toBe(Math.ceil(binary.length / 70_000));
    });
  }

  it('reads a tail range exactly', async () => {
    const bytes = await readRange(hostShell('sh'), binPath, 250_000, 50_000, { encoding: 'base64' });
    expect(Buffer.compare(Buffer.from(bytes), binary.subarray(250_000))).toBe(0);
  });

  it('probe lists size, mode, sha256 and missing files', async () => {
    const res = await hostShell('sh').run(
      probeScript({ paths: [binPath, join(dir, 'nope.log')], maxBytes: 1000 }),
    );
    const probe = parseProbe(Buffer.from(res.stdout).toString());
    expect(probe.tools.gzip).toBe(true);
    expect(probe.missing).toEqual([join(dir, 'nope.log')]);
    const f = probe.files[0];
    expect(f?.path).toBe(binPath);
    expect(f?.size).toBe(binary.length);
    expect(f?.offset).toBe(binary.length - 1000);
    expect(f?.sha256).toBe(sha(binary.subarray(binary.length - 1000)));
  });

  it.runIf(hasBusybox)('busybox: probe and hex transfer work with busybox applets only', async () => {
    const shell = hostShell('busybox');
    const res = await shell.run(probeScript({ paths: [binPath] }));
    const probe = parseProbe(Buffer.from(res.stdout).toString());
    expect(probe.files[0]?.sha256).toBe(sha(binary));
    const bytes = await readRange(shell, binPath, 0, binary.length, { encoding: 'hex', chunkBytes: 100_000 });
    expect(sha(bytes)).toBe(sha(binary));
  });

  it('picks the best encoding the tools allow', () => {
    expect(pickEncoding({ gzip: true, base64: true, sha256sum: true, od: true })).toBe('gzip+base64');
    expect(pickEncoding({ gzip: false, base64: true, sha256sum: true, od: true })).toBe('base64');
    expect(pickEncoding({ gzip: true, base64: false, sha256sum: true, od: true })).toBe('hex');
    expect(pickEncoding({ gzip: false, base64: false, sha256sum: false, od: false })).toBe('raw');
  });

  it('refuses corrupted data with a coded error instead of returning wrong bytes', () => {
    expect(() => decodeRange(Buffer.from('not*base64!'), 'base64')).toThrow(
      expect.objectContaining({ code: 'COLLECT_TRANSFER_FAILED' }),
    );
    expect(() => decodeRange(Buffer.from('H4sIAAAA'), 'gzip+base64')).toThrow(
      expect.objectContaining({ code: 'COLLECT_TRANSFER_FAILED' }),
    );
    expect(() => decodeRange(Buffer.from('0a 0g'), 'hex')).toThrow(
      expect.objectContaining({ code: 'COLLECT_TRANSFER_FAILED' }),
    );
  });
});
