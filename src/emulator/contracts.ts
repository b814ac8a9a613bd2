/**
 * The seams between the emulator's parts. Types only.
 *
 *   HTTP control plane (server.ts, ecs.ts, ssm.ts, registry, service model)
 *        │ ExecuteCommand → AgentHost.startSession      │ StreamUrl/token
 *        ▼                                               ▼
 *   AgentHost (sandbox/, agent/): tasks as Linux        DataChannelGateway (gateway/):
 *   namespaces, commands on a pty, output pump,         WebSocket, frames on src/protocol,
 *   real-format logs, the cancel path                   seq/ack/retransmit, pause/start, faults
 *
 * The service model (idle timer from the last client input, the sweep, expiry) lives with the
 * control plane: it is what MGS does. It tells the gateway to send `channel_closed` and the agent
 * to cancel. Times inside the model are logical (see {@link LogicalClock}).
 */

/** Every number of the behaviour model; loaded from a profile file (src/emulator/profiles/*.json). */
export interface BehaviourProfile {
  readonly name: string;
  readonly description?: string;
  /** Idle timeout, logical seconds from the last client input (or the session's creation). @default 1200 */
  readonly idleTimeoutS: number;
  /** The service's timeout sweep period, logical seconds. @default 60 */
  readonly sweepIntervalS: number;
  /** Sweep phase in [0, sweepIntervalS), or 'random' (drawn once per emulator). @default 'random' */
  readonly sweepPhaseS: number | 'random';
  /** Apply SSM-SessionManagerRunShell idleSessionTimeout/maxSessionDuration to ECS Exec sessions. @default false */
  readonly applySessionPreferences: boolean;
  /** Which client traffic resets the idle timer. @default ['input'] */
  readonly idleResetBy: ReadonlyArray<'input' | 'size' | 'ack' | 'attach'>;
  /**
   * How long a session whose command ended by itself stays `Terminating` in the history:
   * until the sweep finds it idle-expired (as observed: "about 20 minutes"), or just the next sweep.
   * @default 'idle-expiry'
   */
  readonly terminatingUntil?: 'idle-expiry' | 'next-sweep';
  /** channel_closed Output on idle expiry. */
  readonly idleTimeoutMessage: string;
  /** Per-container session limit when the agent config does not say. @default 2 */
  readonly sessionWorkersLimit: number;
  /** Agent version written into logs and DescribeTasks. */
  readonly agentVersion: string;
  /** Output pump (real, unscaled time): first read delay, gap between reads, chunk size. */
  readonly pump: {
    readonly firstReadDelayMs: number;
    readonly readIntervalMs: number;
    readonly chunkBytes: number;
  };
}

/**
 * Logical time. The emulator runs `timeScale` times faster than logical time:
 * a logical second lasts `timeScale` real seconds (0.01 → 10 ms).
 */
export interface LogicalClock {
  readonly timeScale: number;
  /** Logical epoch milliseconds (used in logs, API timestamps, reports). */
  now(): number;
  /** Schedules `fn` after `logicalMs` logical milliseconds. */
  setTimeout(fn: () => void, logicalMs: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** A task to start as a sandbox. */
export interface TaskSpec {
  readonly clusterName: string;
  readonly taskId: string;
  readonly containerName: string;
  /** 64-hex container runtime id. */
  readonly runtimeId: string;
  /** 'host': the host's /usr,/bin,/lib,/etc read-only; 'busybox': a root with busybox-static only. */
  readonly image: 'host' | 'busybox';
  /** The container's command (the init that holds the namespaces), e.g. ['tail','-f','/dev/null']. */
  readonly command: readonly string[];
  /** Agent config SessionWorkersLimit written into amazon-ssm-agent.json. */
  readonly sessionWorkersLimit: number;
}

/** A running task sandbox. */
export interface TaskHandle {
  readonly taskId: string;
  /** Host path of the task's root filesystem (its `/`). */
  readonly rootDir: string;
  /** Host pid of the task's PID 1. */
  readonly initPid: number;
  /** Resolves when the task's init exits. */
  readonly exited: Promise<void>;
}

/** How an agent session ended, as the agent saw it. */
export type AgentSessionEnd =
  | { readonly kind: 'exited'; readonly exitStatus: number | null; readonly signal: string | null }
  | { readonly kind: 'cancelled'; readonly reason: CancelReason }
  | { readonly kind: 'failed'; readonly error: string };

/** Why the service cancelled a session. */
export type CancelReason = 'idle-timeout' | 'max-duration' | 'terminated' | 'task-stopped';

/** One ECS Exec session's command inside a task (the ssm-session-worker and its pty). */
export interface AgentSessionHandle {
  readonly sessionId: string;
  /** Host pid of the command (the pty's session leader). */
  readonly pid: number;
  /** Output chunks from the pump (≤ chunkBytes + 3, UTF-8 never split). Set once by the gateway. */
  onOutput(cb: (chunk: Uint8Array) => void): void;
  /** While paused the pump stops reading the pty (a chatty command then blocks on write). */
  setPaused(paused: boolean): void;
  /** Client keystrokes/stdin (PayloadType 1). */
  write(input: Uint8Array): void;
  /** Terminal size (PayloadType 3). */
  resize(cols: number, rows: number): void;
  /** The cancel path: SIGKILL the direct child, close the pty, log as the agent does. */
  cancel(reason: CancelReason): Promise<void>;
  /** Resolves when the command has ended and the pty has been drained. */
  readonly ended: Promise<AgentSessionEnd>;
}

/** The in-container agents of every task. */
export interface AgentHost {
  startTask(spec: TaskSpec): Promise<TaskHandle>;
  /** Kills the whole PID namespace and unmounts everything. */
  stopTask(taskId: string): Promise<void>;
  /** Starts a command as ECS Exec does (shlex split, exec, pty, setsid). Throws DiagError when it cannot. */
  startSession(
    taskId: string,
    opts: { readonly sessionId: string; readonly command: string },
  ): Promise<AgentSessionHandle>;
  /** Stops every task. */
  shutdown(): Promise<void>;
}

/** What the gateway tells the service model about client traffic. */
export interface GatewayEvents {
  /** A client frame of the given kind arrived (for the idle timer). */
  onClientTraffic(sessionId: string, kind: 'input' | 'size' | 'ack' | 'attach'): void;
  onClientDetached(sessionId: string): void;
}

/** The data-channel gateway. */
export interface DataChannelGateway {
  /** Registers a session: its stream becomes reachable at its streamUrl with `token`. */
  openChannel(sessionId: string, agent: AgentSessionHandle, token: string): void;
  /** Adds a fresh token (ResumeSession); the same sequence numbers continue. */
  addToken(sessionId: string, token: string): void;
  /** Sends channel_closed with `output` to an attached client and drops the socket (1006). */
  closeChannel(sessionId: string, output: string): void;
  /** The streamUrl for a session. */
  streamUrl(sessionId: string): string;
}
