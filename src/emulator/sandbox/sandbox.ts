/**
 * One task as a Linux sandbox, the way a container runtime builds one.
 *
 *   node ──spawn──▶ unshare --mount --pid --uts --ipc --fork --kill-child [--user --map-root-user]
 *                      └─ sandbox-init.py (PID 1 in the new namespaces): binds the image
 *                         read-only, mounts /proc, /dev, devpts, pivot_root → exec the task's
 *                         command, which stays PID 1 and holds the namespaces
 *
 * Sessions enter the namespaces of that PID 1 (see ../agent/pty-process.ts). Stopping the task
 * SIGKILLs its PID 1: the kernel then kills every process of the PID namespace, and the mount
 * namespace (with every mount of the task) disappears with its last process. Nothing is ever
 * mounted in the host's namespace, so nothing can be left mounted there.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DiagError } from '../../errors.js';
import type { TaskSpec } from '../contracts.js';
import { dieWithParent, type HostTools, helperScript, unshareArgs } from './host-tools.js';
import { imagePlan } from './image.js';

/** Device nodes bound from the host into a task's /dev. */
export const TASK_DEVICES: readonly string[] = ['null', 'zero', 'full', 'random', 'urandom', 'tty'];

const INIT_SCRIPT = 'sandbox-init.py';

/** Directories every task root has, with their modes. */
const ROOT_DIRS: ReadonlyArray<readonly [string, number]> = [
  ['tmp', 0o1777],
  ['root', 0o700],
  ['run', 0o755],
  ['var/tmp', 0o1777],
  ['var/log/amazon/ssm', 0o755],
  ['var/lib/amazon/ssm', 0o755],
  ['managed-agents/execute-command/configuration', 0o755],
];

/** The container environment of a task (what `docker run` gives a process). */
export function taskEnvironment(hostname: string): Record<string, string> {
  return {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    HOSTNAME: hostname,
    HOME: '/root',
  };
}

/** Options of {@link startSandbox}. */
export interface SandboxOptions {
  readonly tools: HostTools;
  /** The emulator's state directory; the task lives in `<stateDir>/tasks/<taskId>/`. */
  readonly stateDir: string;
}

/** A running sandbox. */
export interface Sandbox {
  readonly taskId: string;
  /** Host path of the task's `/`. */
  readonly rootDir: string;
  /** Host pid of the task's PID 1 (its command). */
  readonly initPid: number;
  /** The task's hostname (the first 12 characters of its runtime id, as Docker does). */
  readonly hostname: string;
  /** Resolves when PID 1 has exited (the namespaces are gone). */
  readonly exited: Promise<void>;
  /** True once PID 1 has exited. */
  readonly stopped: boolean;
  /** SIGKILLs PID 1 (and so the whole PID namespace) and waits for it. Idempotent. */
  stop(): Promise<void>;
  /** Synchronous best-effort kill, for process exit handlers. */
  killNow(): void;
}

/**
 * Creates the task's root directory and starts its init in new namespaces.
 * Resolves once the task's command has been exec'd as PID 1.
 * @throws DiagError EMULATOR_START_FAILED when the sandbox cannot be built or the command not run
 */
export async function startSandbox(spec: TaskSpec, opts: SandboxOptions): Promise<Sandbox> {
  const taskDir = join(opts.stateDir, 'tasks', spec.taskId);
  const rootDir = join(taskDir, 'root');
  for (const [dir, mode] of ROOT_DIRS) {
    mkdirSync(join(rootDir, dir), { recursive: true });
    chmodSync(join(rootDir, dir), mode);
  }
  const hostname = spec.runtimeId.slice(0, 12);
  const plan = imagePlan(spec.image, opts.stateDir);
  const initSpec = {
    root: rootDir,
    hostname,
    binds: plan.binds,
    links: plan.links,
    devices: TASK_DEVICES,
    command: spec.command,
    env: taskEnvironment(hostname),
  };
  // The container's stdout/stderr (what `docker logs` shows).
  const logFd = openSync(join(taskDir, 'container.log'), 'a');
  let child: ChildProcess;
  try {
    const [launcher, ...launcherArgs] = dieWithParent(opts.tools);
    child = spawn(
      launcher as string,
      [
        ...launcherArgs,
        opts.tools.unshare,
        ...unshareArgs(opts.tools),
        '--',
        opts.tools.python,
        '-I',
        '-S',
        helperScript(`sandbox/${INIT_SCRIPT}`),
        JSON.stringify(initSpec),
      ],
      // Own process group: a Ctrl-C at the emulator's terminal does not reach the task; the
      // emulator stops it (and dieWithParent covers an emulator that dies).
      { stdio: ['ignore', logFd, logFd, 'pipe'], detached: true },
    );
  } finally {
    closeSync(logFd);
  }
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  const initPid = await readInitPid(child, spec.taskId);
  let stopped = false;
  void exited.then(() => {
    stopped = true;
  });
  const killNow = () => {
    if (stopped) return;
    try {
      process.kill(initPid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  return {
    taskId: spec.taskId,
    rootDir,
    initPid,
    hostname,
    exited,
    get stopped() {
      return stopped;
    },
    stop: async () => {
      killNow();
      await exited;
    },
    killNow,
  };
}

/**
 * Waits for the init's report on fd 3 (`pid N`), then for the exec of the task's command (its
 * cmdline stops being the python init's). unshare keeps its own copy of fd 3, so EOF on the
 * pipe cannot signal the exec.
 */
function readInitPid(child: ChildProcess, taskId: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const pipe = child.stdio[3] as NodeJS.ReadableStream | null;
    let text = '';
    let settled = false;
    const fail = (why: string, cause?: unknown) => {
      if (settled) return;
      settled = true;
      reject(
        new DiagError('EMULATOR_START_FAILED', `task ${taskId} did not start: ${why}`, {
          source: 'environment',
          ...(cause === undefined ? {} : { cause }),
        }),
      );
    };
    const exitedEarly = () => {
      const error = /^error (.*)$/m.exec(text);
      fail(error?.[1] ?? `its init exited (see tasks/${taskId}/container.log)`);
    };
    child.once('error', (err) => fail(err.message, err));
    child.once('exit', () => setImmediate(exitedEarly));
    if (!pipe) {
      fail('no report pipe');
      return;
    }
    pipe.setEncoding('utf8');
    pipe.on('data', (chunk: string) => {
      text += chunk;
      const pid = /^pid (\d+)$/m.exec(text);
      if (pid && !settled)
        void waitForExec(Number(pid[1])).then(
          (ok) => {
            if (settled) return;
            if (!ok) {
              exitedEarly();
              return;
            }
            settled = true;
            resolve(Number(pid[1]));
          },
          (err: unknown) => fail(String(err), err),
        );
    });
  });
}

/** Polls /proc/<pid>/cmdline until the python init has exec'd the task's command (true) or is gone (false). */
async function waitForExec(pid: number): Promise<boolean> {
  for (let i = 0; i < 2000; i++) {
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      return false;
    }
    if (cmdline !== '' && !cmdline.includes(INIT_SCRIPT)) return true;
    await new Promise((r) => setTimeout(r, 5));
  }
  return false;
}
