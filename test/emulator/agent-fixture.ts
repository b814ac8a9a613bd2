/**
 * Shared set-up of the agent tests (test/emulator/agent*.test.ts): a real agent host in a
 * temporary state directory, task specs, output collection, and a host-side `ps` of a task.
 */
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemDeps } from '../../src/deps.js';
import {
  type AgentSession,
  createAgentHost,
  type EmulatedAgentHost,
} from '../../src/emulator/agent/index.js';
import type { TaskSpec } from '../../src/emulator/contracts.js';
import { createLogicalClock } from '../../src/emulator/logical-clock.js';
import { loadProfile } from '../../src/emulator/profile.js';

/** A 64-hex runtime id, distinct per n. */
export const RUNTIME = (n: number) => `${n.toString(16).padStart(4, '0')}${'c0ffee'.repeat(10)}`;

/** A task spec with `tail -f /dev/null` as PID 1 and SessionWorkersLimit 3. */
export function spec(taskId: string, n: number, image: TaskSpec['image'] = 'host'): TaskSpec {
  return {
    clusterName: 'default',
    taskId,
    containerName: 'app',
    runtimeId: RUNTIME(n),
    image,
    command: ['tail', '-f', '/dev/null'],
    sessionWorkersLimit: 3,
  };
}

/** An agent host on real time, with a short first-read delay to keep the tests quick. */
export async function testAgentHost(): Promise<{ host: EmulatedAgentHost; close: () => Promise<void> }> {
  const stateDir = mkdtempSync(join(tmpdir(), 'ecs-diag-agent-'));
  const profile = {
    ...loadProfile('default'),
    pump: { firstReadDelayMs: 50, readIntervalMs: 1, chunkBytes: 1024 },
  };
  const host = await createAgentHost({
    stateDir,
    profile,
    logical: createLogicalClock(systemDeps().clock, 1),
    deps: systemDeps(),
  });
  return {
    host,
    close: async () => {
      await host.shutdown();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/** Collects a session's output. */
export function collect(session: AgentSession): { chunks: Uint8Array[]; text: () => string } {
  const chunks: Uint8Array[] = [];
  session.onOutput((c) => chunks.push(c));
  return { chunks, text: () => Buffer.concat(chunks).toString('utf8') };
}

/** Polls `cond` every 20 ms. */
export async function until(cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The args of every process of a task (ps from the host, by PID namespace). */
export function taskProcesses(initPid: number): string[] {
  const ns = readlinkSync(`/proc/${initPid}/ns/pid`);
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .flatMap((p) => {
      try {
        if (readlinkSync(`/proc/${p}/ns/pid`) !== ns) return [];
        return [readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0').join(' ').trim()];
      } catch {
        return [];
      }
    });
}
