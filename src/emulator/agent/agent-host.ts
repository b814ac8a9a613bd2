/**
 * The in-container agents of every task: tasks as sandboxes (../sandbox), sessions as
 * {@link AgentSession}s, the agent's files and logs inside each task.
 *
 * The control plane decides WHEN (RunTask, StopTask, ExecuteCommand, the service model's
 * expiry); this module does what the container and its agent do.
 */
import { dirname, join } from 'node:path';
import type { Deps } from '../../deps.js';
import { DiagError } from '../../errors.js';
import type {
  AgentHost,
  AgentSessionHandle,
  BehaviourProfile,
  LogicalClock,
  TaskHandle,
  TaskSpec,
} from '../contracts.js';
import type { HostTools } from '../sandbox/host-tools.js';
import { type Sandbox, startSandbox } from '../sandbox/sandbox.js';
import { readSessionWorkersLimit, writeAgentFiles } from './agent-files.js';
import { AgentLog } from './agent-log.js';
import { AgentSession } from './agent-session.js';
import { SessionZygote } from './session-zygote.js';

/** Options of {@link EmulatedAgentHost}. */
export interface AgentHostOptions {
  readonly stateDir: string;
  readonly profile: BehaviourProfile;
  readonly logical: LogicalClock;
  readonly deps: Deps;
  readonly tools: HostTools;
  /** Region shown in the agent's data-channel URLs. @default 'us-east-1' */
  readonly region?: string;
}

interface RunningTask {
  readonly spec: TaskSpec;
  readonly sandbox: Sandbox;
  /** Forks the task's session workers; undefined when it could not start (sessions then spawn helpers). */
  readonly zygote: SessionZygote | undefined;
  readonly log: AgentLog;
  readonly sessions: Map<string, AgentSession>;
}

/** How long stopTask waits for sessions to take the cancel path before it kills the task. */
const STOP_GRACE_MS = 5000;

/** The emulator's {@link AgentHost}, plus what the control plane and tests may ask of a task. */
export class EmulatedAgentHost implements AgentHost {
  #opts: AgentHostOptions;
  #tasks = new Map<string, RunningTask>();
  #onExit = () => {
    for (const task of this.#tasks.values()) {
      task.zygote?.stop();
      task.sandbox.killNow();
    }
  };

  constructor(opts: AgentHostOptions) {
    this.#opts = opts;
    // Last resort: the emulator's process exits without shutdown() (uncaught error, exit()).
    process.once('exit', this.#onExit);
  }

  async startTask(spec: TaskSpec): Promise<TaskHandle> {
    if (this.#tasks.has(spec.taskId)) {
      throw new DiagError('EMULATOR_START_FAILED', `task ${spec.taskId} is already running`, {
        source: 'tool',
      });
    }
    const sandbox = await startSandbox(spec, { tools: this.#opts.tools, stateDir: this.#opts.stateDir });
    writeAgentFiles(sandbox.rootDir, {
      sessionWorkersLimit: spec.sessionWorkersLimit,
      agentVersion: this.#opts.profile.agentVersion,
    });
    const zygote = await SessionZygote.start(
      this.#opts.tools,
      sandbox.initPid,
      join(dirname(sandbox.rootDir), 'agent.sock'),
    );
    const task: RunningTask = {
      spec,
      sandbox,
      zygote,
      log: new AgentLog(sandbox.rootDir, this.#opts.logical),
      sessions: new Map(),
    };
    this.#tasks.set(spec.taskId, task);
    void sandbox.exited.then(() => {
      zygote?.stop();
      if (this.#tasks.get(spec.taskId) === task) this.#tasks.delete(spec.taskId);
    });
    return {
      taskId: spec.taskId,
      rootDir: sandbox.rootDir,
      initPid: sandbox.initPid,
      exited: sandbox.exited,
    };
  }

  async stopTask(taskId: string): Promise<void> {
    const task = this.#tasks.get(taskId);
    if (!task) return;
    this.#tasks.delete(taskId);
    const cancels = [...task.sessions.values()].map((s) => s.cancel('task-stopped'));
    await Promise.race([Promise.allSettled(cancels), delay(STOP_GRACE_MS)]);
    task.zygote?.stop();
    await task.sandbox.stop();
  }

  async startSession(
    taskId: string,
    opts: { readonly sessionId: string; readonly command: string },
  ): Promise<AgentSessionHandle> {
    return this.startAgentSession(taskId, opts);
  }

  /** {@link startSession} with the full session type (taskPid, closed). */
  async startAgentSession(
    taskId: string,
    opts: { readonly sessionId: string; readonly command: string },
  ): Promise<AgentSession> {
    const task = this.#running(taskId);
    const session = await AgentSession.start(
      {
        tools: this.#opts.tools,
        sandbox: task.sandbox,
        spec: task.spec,
        profile: this.#opts.profile,
        logical: this.#opts.logical,
        deps: this.#opts.deps,
        log: task.log,
        region: this.#opts.region ?? 'us-east-1',
        ...(task.zygote ? { zygoteSocket: task.zygote.socketPath } : {}),
      },
      opts.sessionId,
      opts.command,
    );
    task.sessions.set(opts.sessionId, session);
    void session.closed.then(() => task.sessions.delete(opts.sessionId));
    return session;
  }

  /**
   * The task's SessionWorkersLimit as its agent reads it from amazon-ssm-agent.json (the
   * profile's default when the file does not say).
   * @throws DiagError EMULATOR_TASK_NOT_RUNNING
   */
  readSessionWorkersLimit(taskId: string): number {
    return (
      readSessionWorkersLimit(this.#running(taskId).sandbox.rootDir) ?? this.#opts.profile.sessionWorkersLimit
    );
  }

  /** The host path of a running task's root, or undefined. */
  taskRoot(taskId: string): string | undefined {
    return this.#tasks.get(taskId)?.sandbox.rootDir;
  }

  /** The running task's sandbox (tests, diagnostics). */
  sandbox(taskId: string): Sandbox | undefined {
    return this.#tasks.get(taskId)?.sandbox;
  }

  async shutdown(): Promise<void> {
    await Promise.allSettled([...this.#tasks.keys()].map((id) => this.stopTask(id)));
    process.removeListener('exit', this.#onExit);
  }

  #running(taskId: string): RunningTask {
    const task = this.#tasks.get(taskId);
    if (!task || task.sandbox.stopped) {
      throw new DiagError('EMULATOR_TASK_NOT_RUNNING', `task ${taskId} is not running in the emulator`, {
        source: 'tool',
      });
    }
    return task;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}
