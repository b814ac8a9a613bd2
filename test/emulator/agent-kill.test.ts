/**
 * The agent's kill model against real tasks: the cancel path SIGKILLs the command and hangs up
 * its terminal; nohup'd, setsid'd and SIGHUP-ignoring children survive; stopping a task ends all.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmulatedAgentHost } from '../../src/emulator/agent/index.js';
import { PtyProcess } from '../../src/emulator/agent/pty-process.js';
import { findHostTools } from '../../src/emulator/sandbox/host-tools.js';
import { collect, spec, taskProcesses, testAgentHost, until } from './agent-fixture.js';

describe('agent host: cancel and stop', () => {
  let host: EmulatedAgentHost;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ host, close } = await testAgentHost());
  });

  afterAll(() => close());

  it('cancel kills the command and its foreground children; nohup, setsid and SIGHUP-ignoring ones survive', async () => {
    const task = await host.startTask(spec('t-cancel', 2));
    const session = await host.startAgentSession('t-cancel', {
      sessionId: 'ecs-execute-command-cancel',
      command: `sh -c 'sleep 1001 & nohup sh -c "echo survived; exec sleep 1002" & setsid sleep 1003 & sh -c "trap \\"\\" HUP; exec sleep 1004" & echo started; sleep 1005'`,
    });
    const out = collect(session);
    await until(() => out.text().includes('started') && existsSync(join(task.rootDir, 'nohup.out')));
    await until(() => taskProcesses(task.initPid).filter((p) => p.startsWith('sleep 100')).length === 5);
    const commandPid = session.pid;
    await session.cancel('idle-timeout');
    expect(await session.ended).toEqual({ kind: 'cancelled', reason: 'idle-timeout' });
    expect(existsSync(`/proc/${commandPid}`)).toBe(false);
    await until(() => !taskProcesses(task.initPid).some((p) => p === 'sleep 1001' || p === 'sleep 1005'));
    const left = taskProcesses(task.initPid).filter((p) => p.startsWith('sleep'));
    expect(left.sort()).toEqual(['sleep 1002', 'sleep 1003', 'sleep 1004']);
    // nohup's output lands in the task's own root
    expect(readFileSync(join(task.rootDir, 'nohup.out'), 'utf8')).toContain('survived');
    await session.closed;
    const lines = readFileSync(join(task.rootDir, 'var/log/amazon/ssm/amazon-ssm-agent.log'), 'utf8')
      .split('\n')
      .filter((l) => l.includes('ecs-execute-command-cancel'))
      .map((l) =>
        l
          .replace(/^\S+ \S+ /, '')
          .replace(
            /\[ssm-session-worker\] \[ecs-execute-command-cancel\] (\[DataBackend\] \[pluginName=InteractiveCommands\] )?/,
            '',
          ),
      );
    const from = lines.indexOf('INFO requested cancel the command, setting cancel flag...');
    expect(lines.slice(from, from + 12)).toEqual([
      'INFO requested cancel the command, setting cancel flag...',
      'INFO Stopping pty',
      'INFO The session was cancelled',
      'WARN Reach the retry limit 5 for receive messages. Error: websocket: close 1006 (abnormal closure): unexpected EOF',
      'ERROR unable to wait pty: signal: killed',
      'INFO Stopping pty',
      'INFO Closing datachannel with channel Id ecs-execute-command-cancel',
      'INFO Closing websocket channel connection to: wss://ssmmessages.us-east-1.amazonaws.com/v1/data-channel/ecs-execute-command-cancel?role=publish_subscribe',
      'INFO Successfully closed websocket connection to: ssmmessages.us-east-1.amazonaws.com:443',
      'INFO Ending websocket pinger',
      'INFO Ending websocket listener',
      'INFO Session worker closed',
    ]);
  });

  it('stopTask cancels its sessions and leaves no process behind', async () => {
    const task = await host.startTask(spec('t-stop', 10));
    const session = await host.startAgentSession('t-stop', {
      sessionId: 'ecs-execute-command-stop',
      command: `sh -c 'nohup sleep 900 >/dev/null 2>&1 & sleep 901'`,
    });
    await until(() => taskProcesses(task.initPid).filter((p) => p.startsWith('sleep 90')).length === 2);
    const ns = readlinkSync(`/proc/${task.initPid}/ns/pid`);
    await host.stopTask('t-stop');
    expect(await session.ended).toEqual({ kind: 'cancelled', reason: 'task-stopped' });
    await task.exited;
    const left = readdirSync('/proc').filter((p) => {
      try {
        return /^\d+$/.test(p) && readlinkSync(`/proc/${p}/ns/pid`) === ns;
      } catch {
        return false;
      }
    });
    expect(left).toEqual([]);
    expect(readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(task.rootDir);
    await expect(host.startSession('t-stop', { sessionId: 'x', command: 'true' })).rejects.toMatchObject({
      code: 'EMULATOR_TASK_NOT_RUNNING',
    });
    expect(execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })).not.toContain('sleep 901');
  });

  it('kills the command the same way through a one-shot helper (no zygote)', async () => {
    const task = await host.startTask(spec('t-oneshot', 12));
    const box = host.sandbox('t-oneshot');
    if (!box) throw new Error('no sandbox');
    const pty = await PtyProcess.start({
      tools: findHostTools(),
      initPid: box.initPid,
      argv: ['sh', '-c', 'nohup sleep 1201 >/dev/null 2>&1 & sleep 1200'],
      env: { PATH: '/usr/bin:/bin' },
    });
    await until(() => taskProcesses(task.initPid).filter((p) => p.startsWith('sleep 120')).length === 2);
    pty.kill();
    expect(await pty.exit).toEqual({ code: null, signal: 9 });
    await until(() => !taskProcesses(task.initPid).includes('sleep 1200'));
    expect(taskProcesses(task.initPid)).toContain('sleep 1201');
  });
});
