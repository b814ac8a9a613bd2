/**
 * One session forker per task (the role of the agent's ssm-agent-worker): a python process that
 * has entered the task's user, IPC, UTS and mount namespaces once and forks a session worker
 * per connection on its unix socket, so a session starts with a fork rather than a python
 * start-up (pty-session.py --zygote).
 *
 * The socket is a file of mode 0600 in the task's directory (only the emulator's user can
 * start commands through it). The zygote exits when its stdin closes or it is killed;
 * running sessions are not affected (their workers are separate processes).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dieWithParent, type HostTools, helperScript } from '../sandbox/host-tools.js';

/** Unix socket paths longer than this do not fit in sockaddr_un. */
const MAX_SOCKET_PATH = 100;

/** How long a zygote may take to come up. */
const READY_TIMEOUT_MS = 15_000;

/** A running zygote. */
export class SessionZygote {
  readonly socketPath: string;
  #child: ChildProcess;

  private constructor(child: ChildProcess, socketPath: string) {
    this.#child = child;
    this.socketPath = socketPath;
  }

  /**
   * Starts a task's zygote. Resolves undefined when it cannot run (sessions then spawn their
   * own helper, which is slower but equivalent).
   */
  static start(tools: HostTools, initPid: number, socketPath: string): Promise<SessionZygote | undefined> {
    if (socketPath.length > MAX_SOCKET_PATH) return Promise.resolve(undefined);
    rmSync(socketPath, { force: true });
    const [launcher, ...launcherArgs] = dieWithParent(tools);
    const child = spawn(
      launcher as string,
      [
        ...launcherArgs,
        tools.python,
        '-I',
        '-S',
        helperScript('agent/pty-session.py'),
        '--zygote',
        String(initPid),
        socketPath,
      ],
      { stdio: ['pipe', 'pipe', 'ignore'], detached: true },
    );
    child.stdin?.on('error', () => {});
    return new Promise((resolve) => {
      let out = '';
      const fail = () => {
        clearTimeout(timer);
        child.kill('SIGKILL');
        resolve(undefined);
      };
      // A zygote that does not come up in time is given up: sessions spawn their own helper.
      const timer = setTimeout(fail, READY_TIMEOUT_MS);
      timer.unref();
      child.once('error', fail);
      child.once('exit', () => resolve(undefined));
      child.stdout?.setEncoding('utf8');
      child.stdout?.on('data', (s: string) => {
        out += s;
        if (out.includes('ready\n')) {
          clearTimeout(timer);
          resolve(new SessionZygote(child, socketPath));
        }
      });
    });
  }

  /** Kills the zygote and removes its socket. Running sessions are not affected. */
  stop(): void {
    this.#child.kill('SIGKILL');
    rmSync(this.socketPath, { force: true });
  }
}
