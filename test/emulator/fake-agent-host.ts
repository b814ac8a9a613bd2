/**
 * A fake AgentHost for control-plane and service-model tests: tasks are temp directories with the
 * agent config ECS writes, sessions are in-memory handles whose end the test decides.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  AgentHost,
  AgentSessionEnd,
  AgentSessionHandle,
  CancelReason,
  TaskHandle,
  TaskSpec,
} from '../../src/emulator/contracts.js';

/** One fake session. */
export class FakeSession implements AgentSessionHandle {
  readonly sessionId: string;
  readonly command: string;
  readonly pid = 4242;
  readonly cancels: CancelReason[] = [];
  readonly input: Uint8Array[] = [];
  readonly ended: Promise<AgentSessionEnd>;
  #resolve!: (e: AgentSessionEnd) => void;
  #output: ((chunk: Uint8Array) => void) | undefined;
  done = false;

  constructor(sessionId: string, command: string) {
    this.sessionId = sessionId;
    this.command = command;
    this.ended = new Promise((r) => {
      this.#resolve = r;
    });
  }
  onOutput(cb: (chunk: Uint8Array) => void): void {
    this.#output = cb;
  }
  setPaused(): void {}
  write(input: Uint8Array): void {
    this.input.push(input);
  }
  resize(): void {}
  async cancel(reason: CancelReason): Promise<void> {
    this.cancels.push(reason);
    this.end({ kind: 'cancelled', reason });
  }
  /** Emits output as the pump would. */
  emit(text: string): void {
    this.#output?.(new TextEncoder().encode(text));
  }
  /** Ends the command. */
  end(e: AgentSessionEnd): void {
    if (this.done) return;
    this.done = true;
    this.#resolve(e);
  }
}

/** The fake host. */
export class FakeAgentHost implements AgentHost {
  readonly tasks = new Map<string, { spec: TaskSpec; root: string; exit: () => void }>();
  readonly sessions: FakeSession[] = [];
  readonly stopped: string[] = [];
  /** Set to make startSession fail (TargetNotConnected path). */
  failSessions = false;
  /** Overrides the SessionWorkersLimit written into the task's agent config. */
  workersLimit: number | undefined;
  shutdowns = 0;

  async startTask(spec: TaskSpec): Promise<TaskHandle> {
    const root = mkdtempSync(join(tmpdir(), 'fake-task-'));
    const cfgDir = join(root, 'managed-agents/execute-command/configuration');
    mkdirSync(cfgDir, { recursive: true });
    writeFileSync(
      join(cfgDir, 'amazon-ssm-agent.json'),
      JSON.stringify({
        Mgs: { StopTimeoutMillis: 20000, SessionWorkersLimit: this.workersLimit ?? spec.sessionWorkersLimit },
        Agent: { ContainerMode: true },
      }),
    );
    let exit!: () => void;
    const exited = new Promise<void>((r) => {
      exit = r;
    });
    this.tasks.set(spec.taskId, { spec, root, exit });
    return { taskId: spec.taskId, rootDir: root, initPid: 1000, exited };
  }

  async stopTask(taskId: string): Promise<void> {
    const t = this.tasks.get(taskId);
    if (!t) return;
    this.stopped.push(taskId);
    for (const s of this.sessions) if (!s.done) s.end({ kind: 'cancelled', reason: 'task-stopped' });
    t.exit();
    rmSync(t.root, { recursive: true, force: true });
    this.tasks.delete(taskId);
  }

  async startSession(
    taskId: string,
    opts: { sessionId: string; command: string },
  ): Promise<AgentSessionHandle> {
    if (this.failSessions || !this.tasks.has(taskId)) throw new Error('agent not connected');
    const s = new FakeSession(opts.sessionId, opts.command);
    this.sessions.push(s);
    return s;
  }

  async shutdown(): Promise<void> {
    this.shutdowns++;
    for (const id of [...this.tasks.keys()]) await this.stopTask(id);
  }
}
