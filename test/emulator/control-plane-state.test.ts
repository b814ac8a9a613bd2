/**
 * `--state FILE`: what the control plane created survives a restart; the file is written
 * atomically; a corrupt file is refused with EMULATOR_BAD_STATE_FILE.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ECS } from '@aws-sdk/client-ecs';
import { SSM } from '@aws-sdk/client-ssm';
import { describe, expect, it } from 'vitest';
import { systemDeps } from '../../src/deps.js';
import { startEmulator } from '../../src/emulator/server.js';
import { FakeAgentHost } from './fake-agent-host.js';

const clientsOf = (endpoint: string) => {
  const cfg = {
    region: 'us-east-1',
    endpoint,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  };
  return { ecs: new ECS(cfg), ssm: new SSM(cfg) };
};

describe('state file', () => {
  it('saves on change and at close, and reloads (tasks restarted, sessions in history)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'emu-state-'));
    const statePath = join(dir, 'state.json');
    const agent1 = new FakeAgentHost();
    const e1 = await startEmulator({ deps: systemDeps(), port: 0, agentHost: agent1, statePath });
    const c1 = clientsOf(e1.endpoint);
    await c1.ecs.createCluster({ clusterName: 'kept' });
    const task = (await c1.ecs.listTasks({})).taskArns?.[0] as string;
    const out = await c1.ecs.executeCommand({ task, command: 'sleep 100', interactive: true });
    await new Promise((r) => setTimeout(r, 20));
    const saved = JSON.parse(readFileSync(statePath, 'utf8'));
    expect(saved.clusters.map((c: { name: string }) => c.name)).toEqual(['default', 'kept']);
    c1.ecs.destroy();
    c1.ssm.destroy();
    await e1.close();
    expect(agent1.shutdowns).toBe(1);
    expect(readdirSync(dir)).toEqual(['state.json']); // no temp file left behind

    const agent2 = new FakeAgentHost();
    const e2 = await startEmulator({ deps: systemDeps(), port: 0, agentHost: agent2, statePath });
    const c2 = clientsOf(e2.endpoint);
    const clusters = await c2.ecs.listClusters({});
    expect(clusters.clusterArns).toHaveLength(2);
    expect((await c2.ecs.listTasks({})).taskArns).toEqual([task]);
    expect(agent2.tasks.size).toBe(1); // the running task got its sandbox again
    const history = await c2.ssm.describeSessions({ State: 'History' });
    expect(history.Sessions?.map((s) => [s.SessionId, s.Status])).toEqual([
      [out.session?.sessionId, 'Terminated'],
    ]);
    c2.ecs.destroy();
    c2.ssm.destroy();
    await e2.close();
  });

  it('refuses a corrupt state file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'emu-state-'));
    const statePath = join(dir, 'state.json');
    writeFileSync(statePath, '{"version": 1, "clusters": [');
    await expect(
      startEmulator({ deps: systemDeps(), port: 0, agentHost: new FakeAgentHost(), statePath }),
    ).rejects.toMatchObject({
      code: 'EMULATOR_BAD_STATE_FILE',
    });
    writeFileSync(statePath, '{"hello": "world"}');
    await expect(
      startEmulator({ deps: systemDeps(), port: 0, agentHost: new FakeAgentHost(), statePath }),
    ).rejects.toMatchObject({
      code: 'EMULATOR_BAD_STATE_FILE',
    });
  });

  it('refuses a non-loopback host without allowRemote', async () => {
    await expect(
      startEmulator({ deps: systemDeps(), host: '0.0.0.0', port: 0, agentHost: new FakeAgentHost() }),
    ).rejects.toMatchObject({ code: 'EMULATOR_REMOTE_REFUSED' });
  });
});
