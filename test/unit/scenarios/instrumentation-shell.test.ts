/**
 * The wrapper and readback scripts run for real under dash and busybox ash (no pty): the session's
 * end is simulated as the kernel does it on a hangup: SIGKILL to the leader, SIGHUP to its group.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { classifyMarkers } from '../../../src/scenarios/case-outcome.js';
import {
  cleanupScript,
  parseKilled,
  parseMarkers,
  readbackScript,
  type TimeOrigin,
  wrapperScript,
} from '../../../src/scenarios/instrumentation.js';
import type { VariantKind } from '../../../src/scenarios/matrix.js';

const APPLETS = [
  'sh',
  'sleep',
  'date',
  'mkfifo',
  'mkdir',
  'cat',
  'rm',
  'mv',
  'grep',
  'find',
  'kill',
  'nohup',
  'setsid',
];
const busybox = spawnSync('sh', ['-c', 'command -v busybox']).stdout.toString().trim();
const work = mkdtempSync(join(tmpdir(), 'ecs-diag-instr-'));
const bbBin = join(work, 'bb');
const bbApplets = busybox
  ? new Set(spawnSync(busybox, ['--list']).stdout.toString().split('\n'))
  : new Set<string>();
if (busybox) {
  mkdirSync(bbBin);
  for (const a of APPLETS) if (bbApplets.has(a)) symlinkSync(busybox, join(bbBin, a));
}
afterAll(() => rmSync(work, { recursive: true, force: true }));

const shells = [
  { name: 'dash/host', env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' }, nohup: true },
  ...(busybox ? [{ name: 'busybox', env: { PATH: bbBin }, nohup: bbApplets.has('nohup') }] : []),
];

/** Real seconds per logical second: 8 logical s last 0.8 s. */
const SCALE = 0.1;
let seq = 0;
const hostUptime = () => Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
const runId = `t${process.pid}-${Date.now().toString(36)}`;
const sleepMs = (ms: number) => new Promise((r) => setTimeout(r, ms));

function startWrapper(env: Record<string, string>, kind: VariantKind, durationS: number) {
  const caseId = `c${++seq}`;
  const script = wrapperScript({ runId, caseId, kind, durationS, timeScale: SCALE, heartbeatS: 0.5 });
  const home = mkdtempSync(join(work, 'home-'));
  const origin: TimeOrigin = {
    timeScale: SCALE,
    sameClock: true,
    epochMs: Date.now(),
    uptimeS: hostUptime(),
  };
  const child = spawn('sh', ['-c', script], {
    env: { ...env, HOME: home },
    cwd: home,
    detached: true,
    stdio: 'ignore',
  });
  return { caseId, child, origin, home };
}

function readback(env: Record<string, string>, home: string, caseId: string) {
  const out = spawnSync('sh', ['-c', readbackScript(runId, caseId)], { env: { ...env, HOME: home } });
  return parseMarkers(out.stdout.toString());
}

/** Waits until the payload runs (the wrapper's start-up is slow on a loaded machine), at most 10 s. */
async function untilStarted(env: Record<string, string>, home: string, caseId: string) {
  for (let i = 0; i < 100; i++) {
    const m = readback(env, home, caseId);
    if (m.payloadStarted || m.error) return;
    await sleepMs(100);
  }
}

/** Reads back until the payload is gone (a loaded machine may be slow), at most 10 s. */
async function readbackWhenGone(env: Record<string, string>, home: string, caseId: string) {
  for (let i = 0; ; i++) {
    const m = readback(env, home, caseId);
    if (m.gone || i >= 100) return m;
    await sleepMs(100);
  }
}

/** What the kernel does when the pty is hung up after the agent's SIGKILL of the leader. */
function hangUp(pid: number) {
  process.kill(pid, 'SIGKILL');
  try {
    process.kill(-pid, 'SIGHUP');
  } catch {}
}

afterAll(() => {
  spawnSync('sh', ['-c', cleanupScript(runId)]);
});

describe.each(shells)('wrapper under $name', ({ env, nohup }) => {
  it('records a completed payload with its exit status', async () => {
    const { caseId, origin, home } = startWrapper(env, 'detached', 2);
    const m = await readbackWhenGone(env, home, caseId);
    expect(m.exitStatus).toBe(0);
    const c = classifyMarkers(m, origin);
    expect(c.outcome).toBe('completed');
    expect(c.endS).toBeGreaterThanOrEqual(2);
  });

  it('stamps the moment a killed payload disappeared', async () => {
    const { caseId, child, origin, home } = startWrapper(env, 'detached', 300);
    await untilStarted(env, home, caseId);
    const before = (Date.now() - (origin.epochMs ?? 0)) / 1000 / SCALE;
    hangUp(child.pid as number);
    const m = await readbackWhenGone(env, home, caseId);
    const after = (Date.now() - (origin.epochMs ?? 0)) / 1000 / SCALE;
    expect(m.exitStatus === undefined || m.exitStatus >= 128).toBe(true);
    expect(m.running).toEqual([]);
    const c = classifyMarkers(m, origin);
    expect(c.outcome).toBe('killed');
    // /proc/uptime (busybox) has 10 ms resolution: 0.1 logical s here.
    expect(c.killedAtS).toBeGreaterThanOrEqual(before - 0.1);
    expect(c.killedAtS).toBeLessThanOrEqual(after + 0.1);
    expect(c.killPrecision).toBe('watcher');
  });

  it("keeps a trap '' HUP payload alive past the leader's death", async () => {
    const { caseId, child, origin, home } = startWrapper(env, 'trap-hup', 20);
    await untilStarted(env, home, caseId);
    hangUp(child.pid as number);
    const c = classifyMarkers(await readbackWhenGone(env, home, caseId), origin);
    expect(c.outcome).toBe('survived');
    expect(c.exitStatus).toBe(0);
    expect(c.sessionEndS).toBeLessThan((c.endS ?? 0) - 1);
    expect(c.endS).toBeGreaterThanOrEqual(20);
  });

  // nohup.out needs a pty (nohup only redirects a terminal): the emulator integration test reads it.
  it('runs a nohup payload that outlives the shell (an error without nohup)', async () => {
    const { caseId, child, origin, home } = startWrapper(env, 'nohup', 10);
    await untilStarted(env, home, caseId);
    if (!nohup) {
      const c = classifyMarkers(await readbackWhenGone(env, home, caseId), origin);
      expect(c.outcome).toBe('error');
      return;
    }
    try {
      process.kill(-(child.pid as number), 'SIGHUP');
    } catch {}
    const c = classifyMarkers(await readbackWhenGone(env, home, caseId), origin);
    expect(c.outcome).toBe('survived');
    expect(c.exitStatus).toBe(0);
  });

  it('cleanup kills what a case left running', async () => {
    const { caseId, home } = startWrapper(env, 'setsid', 300);
    await untilStarted(env, home, caseId);
    expect(readback(env, home, caseId).running.length).toBeGreaterThan(0);
    const out = spawnSync('sh', ['-c', cleanupScript(runId, caseId)], { env });
    expect(parseKilled(out.stdout.toString()).length).toBeGreaterThan(0);
    expect(readback(env, home, caseId).missing).toBe(true);
  });
});
