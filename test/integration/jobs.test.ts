/**
 * Long jobs on the embedded emulator at a small time scale (idle timeout 1200 logical s = 6 s
 * real at scale 0.005): a detached job outlives idle-timeout kills of the sessions around it and `waitJob`
 * returns its own exit status; a stopped task makes the job `gone`.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsClients, makeAwsClients } from '../../src/aws/clients.js';
import { systemDeps } from '../../src/deps.js';
import { type RunningEmulator, startEmulator } from '../../src/emulator/server.js';
import { execRemoteShell } from '../../src/scenarios/collect/remote-shell.js';
import {
  followJobLogs,
  type JobContext,
  jobStatus,
  killJob,
  startJob,
  waitJob,
} from '../../src/scenarios/jobs/jobs.js';

const TIME_SCALE = 0.005;
let emu: RunningEmulator;
let clients: AwsClients;
let taskId: string;

function ctxFor(task: string): JobContext {
  const deps = systemDeps();
  return { shell: execRemoteShell(clients, { cluster: 'default', task, container: 'app' }, { deps }), deps };
}

beforeAll(async () => {
  emu = await startEmulator({ deps: systemDeps(), port: 0, timeScale: TIME_SCALE });
  clients = makeAwsClients({ region: emu.region, endpoint: emu.endpoint, credentials: emu.credentials });
  taskId = ((await clients.ecs.listTasks({ cluster: 'default' })).taskArns?.[0] ?? '').split('/').pop() ?? '';
}, 60_000);

afterAll(async () => {
  clients?.destroy();
  await emu?.close();
});

describe('jobs on the emulator', () => {
  it('a job three times longer than the idle timeout completes; wait returns its own status', async () => {
    const idleRealMs = emu.profile.idleTimeoutS * 1000 * TIME_SCALE;
    const jobMs = 3 * idleRealMs + 1000;
    const ctx = ctxFor(taskId);
    const { jobId } = await startJob(ctx, `sleep ${jobMs / 1000}; echo finished; exit 42`);
    // Meanwhile an unattended session (the field case) is killed by the idle timeout.
    const unattended = await clients.ecs.executeCommand({
      cluster: 'default',
      task: taskId,
      container: 'app',
      command: 'sleep 100000',
      interactive: true,
    });
    const res = await waitJob(ctx, jobId, { pollMs: 500 });
    expect(res).toMatchObject({ kind: 'ended', state: { kind: 'exited', exitStatus: 42 } });
    const out: Uint8Array[] = [];
    await followJobLogs(ctx, jobId, { stream: 'stdout', follow: false, onData: (b) => void out.push(b) });
    expect(Buffer.concat(out).toString()).toBe('finished\n');
    // The unattended session was cut by the idle timeout while the job ran on.
    const hist = await clients.ssm.describeSessions({ State: 'History' });
    const killed = hist.Sessions?.find((s) => s.SessionId === unattended.session?.sessionId);
    expect(killed?.Status).toMatch(/Terminated|Terminating/);
  }, 120_000);

  it('logs --follow delivers every byte once while the job writes', async () => {
    const ctx = ctxFor(taskId);
    const { jobId } = await startJob(
      ctx,
      'i=0; while [ $i -lt 40 ]; do head -c 3000 /dev/urandom | od -An -tx1; i=$((i+1)); sleep 0.05; done',
    );
    const got: Uint8Array[] = [];
    const end = await followJobLogs(ctx, jobId, {
      stream: 'stdout',
      follow: true,
      pollMs: 300,
      onData: (b) => void got.push(b),
    });
    expect(end.kind).toBe('exited');
    // Read the whole file once more in one go and compare.
    const whole: Uint8Array[] = [];
    await followJobLogs(ctx, jobId, { stream: 'stdout', follow: false, onData: (b) => void whole.push(b) });
    const sha = (b: Uint8Array[]) => createHash('sha256').update(Buffer.concat(b)).digest('hex');
    expect(Buffer.concat(got).length).toBeGreaterThan(40 * 3000);
    expect(sha(got)).toBe(sha(whole));
  }, 120_000);

  it('job kill reports gone/killed; a stopped task reports gone', async () => {
    const ctx = ctxFor(taskId);
    const killed = await startJob(ctx, 'sleep 1000');
    expect(await killJob(ctx, killed.jobId, 'TERM')).toBe(true);
    expect((await jobStatus(ctx, killed.jobId)).state).toMatchObject({
      kind: 'gone',
      reason: 'killed',
      signal: 'TERM',
    });

    const td = await clients.ecs.describeTasks({ cluster: 'default', tasks: [taskId] });
    const run = await clients.ecs.runTask({
      cluster: 'default',
      taskDefinition: td.tasks?.[0]?.taskDefinitionArn,
      enableExecuteCommand: true,
    });
    const other = (run.tasks?.[0]?.taskArn ?? '').split('/').pop() ?? '';
    // Wait until its exec agent runs, as a user would.
    for (let i = 0; i < 100; i++) {
      const d = await clients.ecs.describeTasks({ cluster: 'default', tasks: [other] });
      const agents = d.tasks?.[0]?.containers?.[0]?.managedAgents ?? [];
      if (agents.some((a) => a.name === 'ExecuteCommandAgent' && a.lastStatus === 'RUNNING')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const octx = ctxFor(other);
    const { jobId } = await startJob(octx, 'sleep 1000');
    await clients.ecs.stopTask({ cluster: 'default', task: other });
    const res = await waitJob(octx, jobId, { pollMs: 300, timeoutMs: 20_000 });
    expect(res).toMatchObject({ kind: 'ended', state: { kind: 'gone', reason: 'task-stopped' } });
  }, 120_000);
});

describe('exec --detach and job through the built CLI', () => {
  const bin = resolve(import.meta.dirname, '../../dist/src/cli/bin.js');
  const cli = async (...args: string[]) => {
    try {
      const { stdout } = await promisify(execFile)('node', [bin, '--endpoint-url', emu.endpoint, ...args], {
        timeout: 60_000,
      });
      return { code: 0, stdout };
    } catch (err) {
      const e = err as { code?: number; stdout?: string };
      return { code: e.code ?? -1, stdout: e.stdout ?? '' };
    }
  };

  it('starts a job that returns at once; job wait exits with its own status; logs print its output', async () => {
    const started = await cli('exec', '--detach', '--', 'sleep 2; echo migrated; exit 3');
    expect(started.code).toBe(0);
    const handle = started.stdout.trim();
    expect(handle).toMatch(/^ecsjob:\/\/default\/[0-9a-f]{32}\/app\/j[0-9a-z-]+$/);
    const waited = await cli('job', 'wait', '--poll', '0.5', handle);
    expect(waited.code).toBe(3);
    const logs = await cli('job', 'logs', handle);
    expect(logs.stdout).toBe('migrated\n');
    const bad = await cli('job', 'status', 'ecsjob://nope');
    expect(bad.code).toBe(2);
  }, 120_000);
});
