/**
 * The service model through the wire door, on a manual clock: an ExecuteCommand session with no
 * client is killed on the sweep after the profile's idle timeout, logical times in DescribeSessions.
 */
import { ECS } from '@aws-sdk/client-ecs';
import { SSM } from '@aws-sdk/client-ssm';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/server.js';
import { testDeps } from '../helpers/manual-clock.js';
import { FakeAgentHost } from './fake-agent-host.js';

let emu: RunningEmulator | undefined;
const clients: Array<{ destroy(): void }> = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await emu?.close();
});

async function start(profile: string, timeScale: number) {
  const deps = testDeps(11);
  const agent = new FakeAgentHost();
  emu = await startEmulator({ deps, port: 0, agentHost: agent, timeScale, profile });
  const cfg = { region: emu.region, endpoint: emu.endpoint, credentials: emu.credentials, maxAttempts: 1 };
  const ecs = new ECS(cfg);
  const ssm = new SSM(cfg);
  clients.push(ecs, ssm);
  const { taskArns } = await ecs.listTasks({});
  return { deps, agent, ecs, ssm, emu, task: taskArns?.[0] as string };
}

describe.each([
  ['default', 0.01],
  ['short-window', 0.01],
  ['default', 1],
])('an unattached session (%s profile, scale %s)', (profile, timeScale) => {
  it('runs from creation and is killed on the sweep after idleTimeoutS', async () => {
    const { deps, agent, ecs, ssm, emu: e, task } = await start(profile, timeScale);
    const out = await ecs.executeCommand({ task, command: 'sleep 1800', interactive: true });
    expect(agent.sessions).toHaveLength(1); // the command started without any client
    const idleS = e.profile.idleTimeoutS;
    const sweepS = e.profile.sweepIntervalS;
    await deps.clock.advanceAsync((idleS - 1) * 1000 * timeScale, 1000 * timeScale);
    expect((await ssm.describeSessions({ State: 'Active' })).Sessions).toHaveLength(1);
    await deps.clock.advanceAsync((sweepS + 1) * 1000 * timeScale, 1000 * timeScale);
    expect(agent.sessions[0]?.cancels).toEqual(['idle-timeout']);
    const { Sessions } = await ssm.describeSessions({ State: 'History' });
    const s = Sessions?.[0];
    expect(s).toMatchObject({ SessionId: out.session?.sessionId, Status: 'Terminated' });
    const ageS = ((s?.EndDate?.getTime() ?? 0) - (s?.StartDate?.getTime() ?? 0)) / 1000;
    expect(ageS).toBeGreaterThanOrEqual(idleS - 1); // StartDate/EndDate are rounded to ms
    expect(ageS).toBeLessThan(idleS + sweepS);
  });
});

describe('ResumeSession', () => {
  it('returns a fresh token and extends nothing', async () => {
    const { deps, agent, ecs, ssm, task } = await start('default', 0.01);
    const out = await ecs.executeCommand({ task, command: 'sleep 1800', interactive: true });
    const id = out.session?.sessionId as string;
    for (let i = 0; i < 11; i++) {
      await deps.clock.advanceAsync(1000, 100); // 100 logical seconds each
      const r = await ssm.resumeSession({ SessionId: id });
      expect(r.TokenValue).not.toBe(out.session?.tokenValue);
    }
    await deps.clock.advanceAsync(1600, 100);
    expect(agent.sessions[0]?.cancels).toEqual(['idle-timeout']);
  });
});
