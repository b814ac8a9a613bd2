import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmulatedAgentHost } from '../../src/emulator/agent/index.js';
import { collect, RUNTIME, spec, testAgentHost } from './agent-fixture.js';

describe('agent host', () => {
  let host: EmulatedAgentHost;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ host, close } = await testAgentHost());
  });

  afterAll(() => close());

  it('runs a command on a pty, streams its output and logs a non-zero exit status', async () => {
    const task = await host.startTask(spec('t-exit', 1));
    const session = await host.startAgentSession('t-exit', {
      sessionId: 'ecs-execute-command-exit',
      command: `sh -c 'echo "hello $TERM"; tty; ps -eo pid,ppid,args; exit 3'`,
    });
    const out = collect(session);
    const end = await session.ended;
    expect(end).toEqual({ kind: 'exited', exitStatus: 3, signal: null });
    const text = out.text();
    expect(text).toContain('hello xterm-256color\r\n'); // the pty turns LF into CRLF
    expect(text).toMatch(/\/dev\/pts\/\d+/);
    // ps shows only the task's processes: its PID 1, the command (parent outside: 0) and ps
    const ps = text.split('\r\n').filter((l) => /^\s*\d+\s+\d+ /.test(l));
    expect(ps).toHaveLength(3);
    expect(ps[0]).toMatch(/^\s*1\s+0 tail -f \/dev\/null$/);
    expect(ps[1]).toMatch(/^\s*2\s+0 sh -c /);
    expect(ps[2]).toMatch(/^\s*\d+\s+2 ps -eo pid,ppid,args$/);
    // the agent logs the command's pid as seen inside the task
    expect(session.taskPid).toBe(2);
    await session.closed;
    const log = readFileSync(join(task.rootDir, 'var/log/amazon/ssm/amazon-ssm-agent.log'), 'utf8');
    const exitLine = `ERROR [ssm-session-worker] [ecs-execute-command-exit] [DataBackend] [pluginName=InteractiveCommands] pty process: ${session.taskPid} exited unsuccessfully, error message: exit status 3`;
    expect(log).toMatch(
      /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} INFO \[ssm-session-worker\] \[ecs-execute-command-exit\] ssm-session-worker - 3\.3\.1142\.0$/m,
    );
    expect(log).toContain(exitLine);
    expect(log).toContain('Plugin InteractiveCommands started');
    expect(log).toContain('Session worker closed');
    const errors = readFileSync(join(task.rootDir, 'var/log/amazon/ssm/errors.log'), 'utf8');
    expect(errors).toMatch(
      /ERROR \[executeCommandsWithPty\.func2 @ shell\.go\.\d+\] .*pty process: \d+ exited unsuccessfully, error message: exit status 3/,
    );
    // the orchestration directory and the transcript made by the image's `script`
    const dir = join(
      task.rootDir,
      `var/lib/amazon/ssm/${RUNTIME(1)}/session/orchestration/ecs-execute-command-exit/InteractiveCommands`,
    );
    expect(readFileSync(join(dir, 'ipcTempFile.log'), 'utf8')).toBe(text);
    const transcript = readFileSync(join(dir, 'ecs-execute-command-exit.log'), 'utf8');
    expect(transcript).toMatch(
      /^Script started on \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\+00:00 \[COMMAND="cat \/var\/lib/,
    );
    expect(transcript).toContain('hello xterm-256color\r\r\n');
    expect(transcript).toMatch(/\nScript done on .* \[COMMAND_EXIT_CODE="0"\]\n$/);
  });

  it('keeps a session alive while a background child holds the pty (normal end = pty EOF)', async () => {
    await host.startTask(spec('t-bg', 3));
    const session = await host.startAgentSession('t-bg', {
      sessionId: 'ecs-execute-command-bg',
      // A SIGHUP-ignoring child survives the leader's exit and keeps the pty open.
      command: `sh -c 'trap "" HUP; (sleep 1; echo late) & echo early'`,
    });
    const out = collect(session);
    const end = await session.ended;
    expect(end).toEqual({ kind: 'exited', exitStatus: 0, signal: null });
    expect(out.text()).toContain('early');
    expect(out.text()).toContain('late');
  });

  it('logs "Unable to start command" when the command does not exist', async () => {
    const task = await host.startTask(spec('t-missing', 7));
    const session = await host.startAgentSession('t-missing', {
      sessionId: 'ecs-execute-command-missing',
      command: 'no-such-command --x',
    });
    expect(session.pid).toBe(0);
    const end = await session.ended;
    expect(end.kind).toBe('failed');
    await session.closed;
    const log = readFileSync(join(task.rootDir, 'var/log/amazon/ssm/amazon-ssm-agent.log'), 'utf8');
    expect(log).toContain(
      'Unable to start command: Failed to start pty: exec: "no-such-command": executable file not found in $PATH',
    );
  });

  it('writes the agent configuration, seelog.xml and a versioned agent stand-in', async () => {
    const task = await host.startTask(spec('t-files', 8));
    expect(host.readSessionWorkersLimit('t-files')).toBe(3);
    const cfg = JSON.parse(
      readFileSync(
        join(task.rootDir, 'managed-agents/execute-command/configuration/amazon-ssm-agent.json'),
        'utf8',
      ),
    );
    expect(cfg).toMatchObject({
      Mgs: { SessionWorkersLimit: 3, StopTimeoutMillis: 20000 },
      Agent: { ContainerMode: true },
    });
    expect(
      readFileSync(join(task.rootDir, 'managed-agents/execute-command/configuration/seelog.xml'), 'utf8'),
    ).toBe(readFileSync(join(import.meta.dirname, '../fixtures/field-logs/seelog.xml'), 'utf8'));
    const session = await host.startAgentSession('t-files', {
      sessionId: 'ecs-execute-command-version',
      command: '/managed-agents/execute-command/amazon-ssm-agent -version',
    });
    const out = collect(session);
    await session.ended;
    expect(out.text()).toContain('SSM Agent version: 3.3.1142.0');
  });

  it('runs sessions in a busybox task that has no gzip, and fails its transcript without script', async () => {
    const task = await host.startTask(spec('t-busybox', 9, 'busybox'));
    const session = await host.startAgentSession('t-busybox', {
      sessionId: 'ecs-execute-command-bb',
      command: `sh -c 'gzip -c /etc/passwd >/dev/null 2>&1 && echo has-gzip || echo no-gzip; command -v base64 || echo no-base64'`,
    });
    const out = collect(session);
    await session.ended;
    expect(out.text()).toContain('no-gzip');
    expect(out.text()).toContain('no-base64');
    await session.closed;
    const errors = readFileSync(join(task.rootDir, 'var/log/amazon/ssm/errors.log'), 'utf8');
    expect(errors).toContain('unable to generate log data: Failed to generate transcript');
  });
});
