/**
 * Without root, a task gets a user namespace (the emulator's user mapped to root inside).
 * Runs the built emulator (dist/) as `nobody` in a child process; skipped when this test does
 * not run as root (it cannot switch users) or dist/ has not been built.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const DIST = resolve(import.meta.dirname, '../../dist/src');
const canRun =
  process.getuid?.() === 0 &&
  existsSync(join(DIST, 'emulator/agent/index.js')) &&
  existsSync('/usr/bin/setpriv');

const SCRIPT = `
import { createAgentHost } from '${DIST}/emulator/agent/index.js';
import { systemDeps } from '${DIST}/deps.js';
import { createLogicalClock } from '${DIST}/emulator/logical-clock.js';
import { loadProfile } from '${DIST}/emulator/profile.js';
const stateDir = process.argv.at(-1);
const profile = { ...loadProfile('default'), pump: { firstReadDelayMs: 20, readIntervalMs: 1, chunkBytes: 1024 } };
const host = await createAgentHost({ stateDir, profile, logical: createLogicalClock(systemDeps().clock, 1), deps: systemDeps() });
const task = await host.startTask({ clusterName: 'c', taskId: 'u1', containerName: 'app', runtimeId: 'a'.repeat(64), image: 'host', command: ['tail', '-f', '/dev/null'], sessionWorkersLimit: 2 });
const s = await host.startAgentSession('u1', { sessionId: 's1', command: "sh -c 'id -u; ps -eo pid,args; echo out > /nohup.out'" });
const chunks = [];
s.onOutput((c) => chunks.push(Buffer.from(c)));
const end = await s.ended;
await s.closed;
await host.shutdown();
process.stdout.write(JSON.stringify({ end, out: Buffer.concat(chunks).toString(), root: task.rootDir }));
`;

describe.skipIf(!canRun)('task sandbox without root', () => {
  it('runs a task in a user namespace as an unprivileged user', () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'ecs-diag-userns-'));
    chownSync(stateDir, 65534, 65534);
    try {
      const stdout = execFileSync(
        '/usr/bin/setpriv',
        [
          '--reuid=65534',
          '--regid=65534',
          '--clear-groups',
          '--',
          process.execPath,
          '--input-type=module',
          '-e',
          SCRIPT,
          stateDir,
        ],
        { encoding: 'utf8', timeout: 60_000 },
      );
      const result = JSON.parse(stdout) as { end: unknown; out: string; root: string };
      expect(result.end).toEqual({ kind: 'exited', exitStatus: 0, signal: null });
      expect(result.out).toMatch(/^0\r\n/); // root inside the task's user namespace
      const ps = result.out.split('\r\n').filter((l) => /^\s*\d+ /.test(l));
      expect(ps[0]).toMatch(/^\s*1 tail -f \/dev\/null$/);
      expect(readFileSync(join(result.root, 'nohup.out'), 'utf8')).toBe('out\n');
    } finally {
      rmSync(stateDir, { recursive: true, force: true });
    }
  });
});
