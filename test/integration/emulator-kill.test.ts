/**
 * The acceptance case, end to end with the real agent (Linux namespaces, a real pty):
 * at time scale 0.01, a `sleep 1800` started by ExecuteCommand with no client attached is
 * killed at a logical 1200–1260 s with the agent's real log lines written inside the task, while
 * a nohup'd one survives with `/nohup.out` in the task's own root.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { ECS } from '@aws-sdk/client-ecs';
import { SSM } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemDeps } from '../../src/deps.js';
import { type RunningEmulator, startEmulator } from '../../src/emulator/server.js';

let emu: RunningEmulator;
let ecs: ECS;
let ssm: SSM;

beforeAll(async () => {
  emu = await startEmulator({ deps: systemDeps(), port: 0, timeScale: 0.01 });
  const cfg = { region: emu.region, endpoint: emu.endpoint, credentials: emu.credentials, maxAttempts: 1 };
  ecs = new ECS(cfg);
  ssm = new SSM(cfg);
});
afterAll(async () => {
  ecs?.destroy();
  ssm?.destroy();
  await emu?.close();
});

/** Host pids of processes in the task's PID namespace whose command line is `argv`. */
function pidsInTask(initPid: number, argv: string): number[] {
  const ns = readlinkSync(`/proc/${initPid}/ns/pid`);
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readlinkSync(`/proc/${name}/ns/pid`) !== ns) continue;
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ') === argv)
        pids.push(Number(name));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

const sessionById = async (id: string) => {
  for (const State of ['Active', 'History'] as const) {
    const { Sessions } = await ssm.describeSessions({ State, Filters: [{ key: 'SessionId', value: id }] });
    if (Sessions?.[0]) return Sessions[0];
  }
  return undefined;
};

describe('the 20-minute kill at time scale 0.01', () => {
  it('kills a detached sleep 1800 at a logical 1200-1260 s; a nohup one survives', {
    timeout: 60_000,
  }, async () => {
    const taskArn = (await ecs.listTasks({})).taskArns?.[0] as string;
    const taskId = taskArn.split('/').pop() as string;
    const handle = emu.task(taskId);
    expect(handle).toBeDefined();
    const root = handle?.rootDir as string;
    const initPid = handle?.initPid as number;

    const killed = await ecs.executeCommand({
      task: taskArn,
      command: "/bin/sh -c 'echo ABC; /bin/sleep 1800'",
      interactive: true,
    });
    // `& sleep 1`: when the shell (the pty's session leader) exits, the kernel hangs up the
    // foreground group at once; nohup must have set SIGHUP to ignored by then. In the field it had
    // (its banner is in the transcript); on a slow machine the exec can lose that race.
    const nohup = await ecs.executeCommand({
      task: taskArn,
      command: '/bin/sh -c \'nohup /bin/sh -c "echo ABC; /bin/sleep 1801" & /bin/sleep 1\'',
      interactive: true,
    });
    const killedId = killed.session?.sessionId as string;
    const nohupId = nohup.session?.sessionId as string;

    // The command runs although no client ever attaches.
    await waitFor(() => pidsInTask(initPid, '/bin/sleep 1800').length === 1, 10_000);
    await waitFor(() => pidsInTask(initPid, '/bin/sleep 1801').length === 1, 10_000);

    // Wait (real ≈ 12.6 s) for the service to expire the unattended session.
    await waitFor(async () => (await sessionById(killedId))?.Status === 'Terminated', 20_000, 200);
    const s = await sessionById(killedId);
    const ageS = ((s?.EndDate?.getTime() ?? 0) - (s?.StartDate?.getTime() ?? 0)) / 1000;
    expect(ageS).toBeGreaterThanOrEqual(1199.9);
    expect(ageS).toBeLessThan(1260);

    // The command is gone; the agent logged the cancel path inside the task.
    await waitFor(() => pidsInTask(initPid, '/bin/sleep 1800').length === 0, 5000);
    await waitFor(
      () =>
        readFileSync(join(root, 'var/log/amazon/ssm/amazon-ssm-agent.log'), 'utf8').includes(
          'The session was cancelled',
        ),
      5000,
    );
    const log = readFileSync(join(root, 'var/log/amazon/ssm/amazon-ssm-agent.log'), 'utf8');
    expect(log).toMatch(
      new RegExp(
        `^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} INFO \\[ssm-session-worker\\] \\[${killedId}\\] .*Stopping pty$`,
        'm',
      ),
    );
    expect(log).toContain('The session was cancelled');
    const errors = readFileSync(join(root, 'var/log/amazon/ssm/errors.log'), 'utf8');
    expect(errors).toContain('unable to wait pty: signal: killed');

    // The nohup'd command survived, its output in the task's own /nohup.out.
    expect(pidsInTask(initPid, '/bin/sleep 1801')).toHaveLength(1);
    expect(readFileSync(join(root, 'nohup.out'), 'utf8')).toContain('ABC');
    // ... and its session was expired by the same sweep rules.
    await waitFor(async () => (await sessionById(nohupId))?.Status === 'Terminated', 5000, 100);
  });
});

async function waitFor(
  cond: () => boolean | Promise<boolean>,
  timeoutMs: number,
  everyMs = 50,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline)
      throw new Error(`condition not met within ${timeoutMs} ms: ${cond.toString()}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
