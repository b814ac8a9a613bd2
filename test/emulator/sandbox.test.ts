/**
 * The task sandbox: real namespaces, real processes. Each task is its own PID and mount
 * namespace rooted at its own directory; stopping it leaves nothing behind.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskSpec } from '../../src/emulator/contracts.js';
import { findHostTools, type HostTools, probeNamespaces } from '../../src/emulator/sandbox/host-tools.js';
import { type Sandbox, startSandbox } from '../../src/emulator/sandbox/sandbox.js';

function spec(taskId: string, image: TaskSpec['image'] = 'host'): TaskSpec {
  return {
    clusterName: 'default',
    taskId,
    containerName: 'app',
    runtimeId: `${taskId.padEnd(12, '0')}${'ab'.repeat(26)}`,
    image,
    command: ['tail', '-f', '/dev/null'],
    sessionWorkersLimit: 2,
  };
}

/** Runs a command inside the task, as `docker exec` would (nsenter into its namespaces). */
function inTask(tools: HostTools, box: Sandbox, script: string): string {
  return execFileSync(
    tools.nsenter,
    ['-t', String(box.initPid), '-m', '-p', '-u', '-i', '--', '/bin/sh', '-c', script],
    {
      encoding: 'utf8',
    },
  );
}

/** The namespace ids (`pid:[…]`, `mnt:[…]`) of a process. */
function namespacesOf(pid: number): string[] {
  return ['pid', 'mnt'].map((ns) => readlinkSync(`/proc/${pid}/ns/${ns}`));
}

/** Host pids living in any of the given namespaces. */
function pidsIn(namespaces: string[]): number[] {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        return namespacesOf(Number(p)).some((ns) => namespaces.includes(ns));
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe('task sandbox', () => {
  let tools: HostTools;
  let stateDir: string;
  const boxes: Sandbox[] = [];

  beforeAll(() => {
    tools = findHostTools();
    probeNamespaces(tools);
    stateDir = mkdtempSync(join(tmpdir(), 'ecs-diag-sandbox-'));
  });

  afterAll(async () => {
    for (const box of boxes) await box.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('runs the task command as PID 1 and shows only the task processes', async () => {
    const box = await startSandbox(spec('task1'), { tools, stateDir });
    boxes.push(box);
    const ps = inTask(tools, box, 'ps -eo pid,ppid,args');
    const lines = ps
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.trim());
    expect(lines[0]).toMatch(/^1\s+0\s+tail -f \/dev\/null$/);
    // only tail, the sh and ps itself
    expect(lines).toHaveLength(3);
    expect(inTask(tools, box, 'hostname').trim()).toBe(box.hostname);
  });

  it('gives the task its own writable root and a read-only image', async () => {
    const box = await startSandbox(spec('task2'), { tools, stateDir });
    boxes.push(box);
    inTask(tools, box, 'echo hello > /nohup.out; echo t > /tmp/x; echo l > /var/log/amazon/ssm/probe');
    expect(readFileSync(join(box.rootDir, 'nohup.out'), 'utf8')).toBe('hello\n');
    expect(readFileSync(join(box.rootDir, 'tmp/x'), 'utf8')).toBe('t\n');
    expect(existsSync('/nohup.out')).toBe(false);
    expect(inTask(tools, box, 'touch /usr/probe 2>&1 || echo refused')).toMatch(/refused/);
    expect(inTask(tools, box, 'ls /dev/pts/ptmx /dev/null /dev/urandom /proc/1/cmdline | wc -l').trim()).toBe(
      '4',
    );
  });

  it('isolates two tasks from each other', async () => {
    const a = await startSandbox(spec('taskA'), { tools, stateDir });
    const b = await startSandbox(spec('taskB'), { tools, stateDir });
    boxes.push(a, b);
    inTask(tools, a, 'echo a > /tmp/mine; setsid sleep 300 </dev/null >/dev/null 2>&1 &');
    expect(inTask(tools, b, 'cat /tmp/mine 2>/dev/null || echo none').trim()).toBe('none');
    expect(inTask(tools, b, 'ps -eo args').includes('sleep 300')).toBe(false);
    expect(inTask(tools, a, 'ps -eo args').includes('sleep 300')).toBe(true);
  });

  it('builds the busybox image without gzip or base64', async () => {
    const box = await startSandbox(spec('taskBB', 'busybox'), { tools, stateDir });
    boxes.push(box);
    const out = inTask(
      tools,
      box,
      'for c in sh cat ls ps sleep nohup setsid kill date stat sha256sum tar gzip base64; do command -v $c >/dev/null && echo "$c yes" || echo "$c no"; done',
    );
    expect(out).toContain('sh yes');
    expect(out).toContain('nohup yes');
    expect(out).toContain('sha256sum yes');
    expect(out).toContain('gzip no');
    expect(out).toContain('base64 no');
    expect(inTask(tools, box, 'ls /usr/bin/python3 2>/dev/null || echo absent').trim()).toBe('absent');
  });

  it('stops a task: no process and no mount is left behind', async () => {
    const box = await startSandbox(spec('taskStop'), { tools, stateDir });
    boxes.push(box);
    inTask(tools, box, 'nohup sleep 600 >/dev/null 2>&1 & setsid sleep 600 </dev/null >/dev/null 2>&1 &');
    const namespaces = namespacesOf(box.initPid);
    expect(pidsIn(namespaces).length).toBeGreaterThanOrEqual(3);
    await box.stop();
    expect(box.stopped).toBe(true);
    expect(pidsIn(namespaces)).toEqual([]);
    expect(readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(box.rootDir);
    await box.stop(); // idempotent
  });

  it('fails the start with EMULATOR_START_FAILED when the task command cannot run', async () => {
    const bad = { ...spec('taskBad'), command: ['/no/such/init'] };
    await expect(startSandbox(bad, { tools, stateDir })).rejects.toMatchObject({
      code: 'EMULATOR_START_FAILED',
    });
  });

  it('refuses with EMULATOR_NAMESPACES_UNAVAILABLE where namespaces cannot be made', () => {
    expect(() => probeNamespaces({ ...tools, unshare: '/bin/false' })).toThrow(
      expect.objectContaining({ code: 'EMULATOR_NAMESPACES_UNAVAILABLE' }),
    );
  });
});
