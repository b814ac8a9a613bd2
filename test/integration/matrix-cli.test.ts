/**
 * `ecs-diag run timeout-matrix` end to end through main(): the embedded emulator, the table,
 * report.json; --dry-run; a bad scenario is one line and exit 2.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';

const ROOT = resolve(import.meta.dirname, '../..');

function buffers() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    env: {
      stdout: { write: (s: string) => out.push(s) },
      stderr: { write: (s: string) => err.push(s) },
      env: {},
    },
  };
}

describe('ecs-diag run timeout-matrix', () => {
  it('--dry-run prints the plan of the default matrix and nothing runs', async () => {
    const b = buffers();
    expect(await main(['run', 'timeout-matrix', '--dry-run'], b.env)).toBe(0);
    const text = b.out.join('');
    expect(text).toMatch(/^plan: 18 cases on \d+ task\(s\)/);
    expect(text).toContain('detached-1800');
    expect(text).toContain('phase');
  });

  it('a bad scenario is one line with its code and exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecs-diag-cli-'));
    writeFileSync(
      join(dir, 'bad.yaml'),
      'name: x\nvariants:\n  - {name: a, kind: detached, durations: [0]}\n',
    );
    for (const file of [join(dir, 'bad.yaml'), join(dir, 'missing.yaml')]) {
      const b = buffers();
      expect(await main(['run', 'timeout-matrix', '--scenario', file], b.env)).toBe(2);
      const lines = b.err.join('').trim().split('\n');
      expect(lines[0]).toMatch(/^error: .*\[SCN_BAD_SCENARIO\]$/);
    }
  });

  it('runs a scenario on the embedded emulator and prints the table and the kill window', async () => {
    const out = mkdtempSync(join(tmpdir(), 'ecs-diag-cli-run-'));
    const b = buffers();
    const code = await main(
      [
        'run',
        'timeout-matrix',
        '--scenario',
        join(ROOT, 'scenarios/quick.yaml'),
        '--profile',
        'short-window',
        '--out',
        out,
      ],
      b.env,
    );
    expect(code).toBe(0);
    const table = b.out.join('');
    expect(table).toContain('kill window: n=1');
    expect(table).toContain('profile short-window');
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(report.killWindow.n).toBe(1);
    expect(report.killWindow.min).toBeGreaterThanOrEqual(300);
    expect(report.target.figureKind).toBe('emulator-model');
    expect(report.cases.find((c: { caseId: string }) => c.caseId === 'nohup-600').outcome).toBe('survived');
    expect(readFileSync(join(out, 'results.jsonl'), 'utf8').trim().split('\n')).toHaveLength(3);
  }, 90_000);
});
