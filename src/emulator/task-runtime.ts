/**
 * The running side of tasks: one sandbox per RUNNING task, started and stopped through the
 * AgentHost, and what the control plane reads from inside it (the agent config).
 */
import type { EventSink } from '../deps.js';
import { readSessionWorkersLimit } from './agent/agent-files.js';
import type { AgentHost, AgentSessionHandle, LogicalClock, TaskHandle, TaskSpec } from './contracts.js';

/** Called when a task's init exits without being asked to (the essential container exited). */
export type TaskExitListener = (taskId: string) => void;

/** Task sandboxes by task id. */
export class TaskRuntime {
  readonly #agent: AgentHost;
  readonly #clock: LogicalClock;
  readonly #log: EventSink;
  readonly #handles = new Map<string, TaskHandle>();
  readonly #stopping = new Set<string>();
  #onExit: TaskExitListener = () => {};

  constructor(agent: AgentHost, clock: LogicalClock, log: EventSink) {
    this.#agent = agent;
    this.#clock = clock;
    this.#log = log;
  }

  /** Registers the listener for tasks whose init exited by itself. */
  onTaskExit(fn: TaskExitListener): void {
    this.#onExit = fn;
  }

  /** Starts a task's sandbox. */
  async start(spec: TaskSpec): Promise<TaskHandle> {
    const handle = await this.#agent.startTask(spec);
    this.#handles.set(spec.taskId, handle);
    handle.exited.then(
      () => this.#exited(spec.taskId),
      () => this.#exited(spec.taskId),
    );
    return handle;
  }

  /** The sandbox of a task, if it runs. */
  handle(taskId: string): TaskHandle | undefined {
    return this.#handles.get(taskId);
  }

  /** Stops a task's sandbox (kills its PID namespace, unmounts). */
  async stop(taskId: string): Promise<void> {
    if (!this.#handles.has(taskId)) return;
    this.#stopping.add(taskId);
    try {
      await this.#agent.stopTask(taskId);
    } finally {
      this.#handles.delete(taskId);
    }
  }

  /** Starts an ECS Exec command in a task. */
  startSession(taskId: string, sessionId: string, command: string): Promise<AgentSessionHandle> {
    return this.#agent.startSession(taskId, { sessionId, command });
  }

  /**
   * SessionWorkersLimit as the task's agent config says (`Mgs.SessionWorkersLimit` in
   * amazon-ssm-agent.json inside the task), or `fallback` when it cannot be read.
   */
  sessionWorkersLimit(taskId: string, fallback: number): number {
    const handle = this.#handles.get(taskId);
    return (handle && readSessionWorkersLimit(handle.rootDir)) ?? fallback;
  }

  /** Stops every task. */
  async shutdown(): Promise<void> {
    for (const id of this.#handles.keys()) this.#stopping.add(id);
    this.#handles.clear();
    await this.#agent.shutdown();
  }

  #exited(taskId: string): void {
    if (this.#stopping.delete(taskId)) return;
    if (!this.#handles.delete(taskId)) return;
    this.#log.emit({
      time: this.#clock.now(),
      level: 'warn',
      code: 'EMU_W0200',
      message: `task ${taskId}: its container's command exited; the task stops`,
    });
    this.#onExit(taskId);
  }
}
