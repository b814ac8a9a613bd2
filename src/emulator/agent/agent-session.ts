/**
 * One ECS Exec session as the in-task agent runs it (ssm-session-worker + InteractiveCommands):
 *
 *   start ─▶ start lines ─▶ shlex ─▶ pty + exec ─▶ "Plugin InteractiveCommands started"
 *                                  │ (fails: "Unable to start command: …", 2 s, ended=failed)
 *            ┌─────────────────────┴───────────────────────┐
 *      pty EOF (normal end)                          cancel(reason)
 *      wait → "pty process: <pid> exited             SIGKILL the command, close the pty,
 *      unsuccessfully, error message: exit status N"  "Stopping pty", "The session was cancelled",
 *      ended = exited                                 wait → "unable to wait pty: signal: killed"
 *                                                     ended = cancelled
 *            └─────────────────────┬───────────────────────┘
 *                       transcript (script in the task), "Stopping pty",
 *                       data-channel close lines, "Session worker closed" ─▶ closed
 *
 * @see ssm-data-channel.md §2.5, §2.12, §4.3–4.5 (AGENT shell.go Execute/executeCommandsWithPty)
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Deps } from '../../deps.js';
import {
  caughtSignal,
  closedWebsocket,
  closingDatachannel,
  closingWebsocket,
  dataChannelUrl,
  MSG,
  openedWebsocket,
  openingWebsocket,
  ptyExitedSuccessfully,
  ptyExitedUnsuccessfully,
  sessionContext,
  sessionWorkerContext,
  sessionWorkerVersion,
  settingUpDatachannel,
  workerStarted,
} from '../../logs/agent-log-format.js';
import { goShlexSplit as shlexSplit } from '../../session/go-shlex.js';
import type {
  AgentSessionEnd,
  AgentSessionHandle,
  BehaviourProfile,
  CancelReason,
  LogicalClock,
  TaskSpec,
} from '../contracts.js';
import type { HostTools } from '../sandbox/host-tools.js';
import { type Sandbox, taskEnvironment } from '../sandbox/sandbox.js';
import { type AgentLog, SITES } from './agent-log.js';
import { goExitErrorText, goStartErrorText, signalName } from './go-texts.js';
import { OutputPump } from './output-pump.js';
import { PtyProcess, PtyStartError } from './pty-process.js';
import { generateTranscript, prepareOrchestration } from './transcript.js';

/** What a session needs from its task and the emulator. */
export interface AgentSessionContext {
  readonly tools: HostTools;
  readonly sandbox: Sandbox;
  readonly spec: TaskSpec;
  readonly profile: BehaviourProfile;
  readonly logical: LogicalClock;
  readonly deps: Deps;
  readonly log: AgentLog;
  /** The region in the data-channel URL the agent logs. */
  readonly region: string;
  /** The task's session zygote socket, when it has one. */
  readonly zygoteSocket?: string;
}

/** The agent waits this long (real time) after a failed start before ending. @see shell.go Execute */
const FAILED_START_WAIT_MS = 2000;

type State = 'starting' | 'running' | 'cancelling' | 'ending' | 'ended';

/** A session's command in its task, with the agent's pump, cancel path and logs. */
export class AgentSession implements AgentSessionHandle {
  readonly sessionId: string;
  readonly ended: Promise<AgentSessionEnd>;
  /** Resolves when the agent is done with the session (transcript made, close lines logged). */
  readonly closed: Promise<void>;
  #ctx: AgentSessionContext;
  #command: string;
  #state: State = 'starting';
  #pid = 0;
  #nsPid = 0;
  #pty: PtyProcess | undefined;
  #pump: OutputPump | undefined;
  #sink: ((chunk: Uint8Array) => void) | undefined;
  #queued: Uint8Array[] = [];
  #paused = false;
  #size: { cols: number; rows: number } | undefined;
  #ipcFd: number | undefined;
  #paths: ReturnType<typeof prepareOrchestration> | undefined;
  #startedAt: number;
  #started: Promise<void> | undefined;
  #cancelling: Promise<void> | undefined;
  #resolveEnded!: (end: AgentSessionEnd) => void;
  #resolveClosed!: () => void;

  private constructor(ctx: AgentSessionContext, sessionId: string, command: string) {
    this.#ctx = ctx;
    this.sessionId = sessionId;
    this.#command = command;
    this.#startedAt = ctx.logical.now();
    this.ended = new Promise((r) => {
      this.#resolveEnded = r;
    });
    this.closed = new Promise((r) => {
      this.#resolveClosed = r;
    });
  }

  /** Starts the session; resolves once the command runs on its pty (or failed to start, see `ended`). */
  static async start(ctx: AgentSessionContext, sessionId: string, command: string): Promise<AgentSession> {
    const session = new AgentSession(ctx, sessionId, command);
    session.#started = session.#start();
    await session.#started;
    return session;
  }

  /** Host pid of the command (0 when it did not start). */
  get pid(): number {
    return this.#pid;
  }

  /** The command's pid inside the task, as the agent logs it. */
  get taskPid(): number {
    return this.#nsPid;
  }

  onOutput(cb: (chunk: Uint8Array) => void): void {
    this.#sink = cb;
    const queued = this.#queued;
    this.#queued = [];
    for (const chunk of queued) cb(chunk);
  }

  setPaused(paused: boolean): void {
    this.#paused = paused;
    this.#pump?.setPaused(paused);
  }

  write(input: Uint8Array): void {
    if (this.#state === 'running') this.#pty?.write(input);
  }

  resize(cols: number, rows: number): void {
    this.#size = { cols, rows };
    if (this.#state === 'running') this.#pty?.resize(cols, rows);
  }

  cancel(reason: CancelReason): Promise<void> {
    if (this.#cancelling) return this.#cancelling;
    if (this.#state === 'ending' || this.#state === 'ended') return this.ended.then(() => {});
    this.#cancelling = this.#cancel(reason);
    return this.#cancelling;
  }

  // --- start ------------------------------------------------------------------------------

  async #start(): Promise<void> {
    const { log, profile, spec, sandbox } = this.#ctx;
    const worker = sessionWorkerContext(this.sessionId);
    const plugin = sessionContext(this.sessionId);
    const url = this.#dataChannelUrl();
    log.info(`${worker} ${sessionWorkerVersion(profile.agentVersion)}`);
    log.info(`${worker} ${workerStarted(this.sessionId)}`);
    log.info(`${worker} ${MSG.RECEIVED_PLUGIN_CONFIG}`);
    log.info(`${worker} ${JSON.stringify(this.#docState())}`);
    log.info(`${plugin} ${MSG.RUNNING_PLUGIN}`);
    log.info(
      `${plugin} ${settingUpDatachannel(this.sessionId, this.#ctx.deps.ids.uuid(), this.#ctx.deps.ids.uuid())}`,
    );
    log.info(`${plugin} ${openingWebsocket(url)}`);
    log.info(`${plugin} ${openedWebsocket(this.#remoteAddr())}`);
    log.info(`${plugin} ${MSG.STARTING_WEBSOCKET_LISTENER}`);
    log.info(`${plugin} ${MSG.STARTING_WEBSOCKET_PINGER}`);
    log.info(`${plugin} ${MSG.SKIPPING_HANDSHAKE}`);
    log.info(`${plugin} ${MSG.STARTING_COMMAND_EXECUTOR}`);

    const split = shlexSplit(this.#command);
    if (split.error !== undefined) {
      const err = `Failed to parse commands input: ${split.error}\n`;
      log.error(`${plugin} ${err}`, SITES.failedToParse);
      this.#failStart(err);
      return;
    }
    const argv = this.#command.trim() === '' ? ['sh'] : split.words;
    if (argv.length === 0) {
      this.#failStart('runtime error: index out of range [0] with length 0');
      return;
    }
    try {
      this.#pty = await PtyProcess.start({
        tools: this.#ctx.tools,
        initPid: sandbox.initPid,
        argv,
        env: { ...taskEnvironment(sandbox.hostname), TERM: 'xterm-256color', LANG: 'C.UTF-8' },
        ...(this.#size ?? {}),
        ...(this.#ctx.zygoteSocket ? { zygoteSocket: this.#ctx.zygoteSocket } : {}),
      });
    } catch (err) {
      if (!(err instanceof PtyStartError)) throw err;
      const goErr =
        err.failure.stage === 'exec'
          ? goStartErrorText(argv[0] ?? '', err.failure.message)
          : err.failure.message;
      const startErr = `Failed to start pty: ${goErr}\n`;
      log.error(`${plugin} ${startErr}`, SITES.failedToStartPty);
      this.#failStart(startErr);
      return;
    }
    this.#pid = this.#pty.pid;
    this.#nsPid = this.#pty.nsPid;
    this.#paths = prepareOrchestration(sandbox.rootDir, spec.runtimeId, this.sessionId);
    this.#ipcFd = openSync(join(sandbox.rootDir, this.#paths.ipcFile), 'a');
    this.#state = 'running';
    const pump = new OutputPump(this.#pty, profile.pump, this.#ctx.deps.clock, (chunk) => this.#emit(chunk));
    pump.setPaused(this.#paused);
    this.#pump = pump;
    const pumped = pump.run();
    log.info(`${plugin} ${MSG.PLUGIN_STARTED}`);
    void pumped.then(() => this.#onPumpDone());
  }

  /** `Unable to start command: …`, then the agent's 2 s wait, then the session ends. */
  #failStart(err: string): void {
    const plugin = sessionContext(this.sessionId);
    const error = `Unable to start command: ${err}`;
    this.#ctx.log.error(`${plugin} ${error}\n`, SITES.unableToStart);
    this.#state = 'ending';
    this.#ctx.deps.clock.setTimeout(() => {
      this.#state = 'ended';
      this.#resolveEnded({ kind: 'failed', error: error.trim() });
      void this.#finish(false);
    }, FAILED_START_WAIT_MS);
  }

  #emit(chunk: Uint8Array): void {
    if (this.#ipcFd !== undefined) {
      try {
        writeSync(this.#ipcFd, chunk);
      } catch {
        // the task root is gone
      }
    }
    if (this.#sink) this.#sink(chunk);
    else this.#queued.push(chunk);
  }

  // --- normal end ---------------------------------------------------------------------------

  async #onPumpDone(): Promise<void> {
    if (this.#state !== 'running' || !this.#pty) return; // the cancel path owns the end
    this.#state = 'ending';
    const exit = await this.#pty.exit;
    const plugin = sessionContext(this.sessionId);
    const text = goExitErrorText(exit.code, exit.signal);
    if (text) this.#ctx.log.error(`${plugin} ${ptyExitedUnsuccessfully(this.#nsPid, text)}`, SITES.ptyExited);
    else this.#ctx.log.debug(`${plugin} ${ptyExitedSuccessfully(this.#nsPid)}`);
    this.#state = 'ended';
    this.#resolveEnded({
      kind: 'exited',
      exitStatus: exit.code,
      signal: exit.signal === null ? null : (signalName(exit.signal) ?? String(exit.signal)),
    });
    await this.#finish(true);
  }

  // --- cancel path --------------------------------------------------------------------------

  async #cancel(reason: CancelReason): Promise<void> {
    const { log } = this.#ctx;
    const worker = sessionWorkerContext(this.sessionId);
    const plugin = sessionContext(this.sessionId);
    if (reason === 'task-stopped') log.info(`${worker} ${caughtSignal('terminated')}`);
    else log.info(`${worker} ${MSG.REQUESTED_CANCEL}`);
    log.debug(`${plugin} ${MSG.CANCEL_FLAG_SET}`);
    if (this.#state === 'starting') await this.#started;
    if (this.#state !== 'running' || !this.#pty) {
      // The command never started (or ended meanwhile): nothing to kill.
      await this.ended;
      return;
    }
    this.#state = 'cancelling';
    log.debug(`${plugin} ${MSG.SESSION_CANCELLED_STOPPING_PTY}`);
    // 1. Kill() SIGKILLs the direct child; 2. stop() closes the pty master: the kernel hangs up
    //    the slave and SIGHUPs the foreground process group.
    this.#pump?.stop();
    this.#pty.kill();
    log.info(`${plugin} ${MSG.STOPPING_PTY}`);
    log.info(`${plugin} ${MSG.SESSION_CANCELLED}`);
    // The service dropped the data channel's WebSocket when it ended the session.
    if (reason !== 'task-stopped') log.warn(`${plugin} ${MSG.RETRY_LIMIT_1006}`);
    const exit = await this.#pty.exit;
    const text = goExitErrorText(exit.code, exit.signal);
    if (text) log.error(`${plugin} unable to wait pty: ${text}`, SITES.waitPty);
    this.#state = 'ended';
    this.#resolveEnded({ kind: 'cancelled', reason });
    void this.#finish(reason !== 'task-stopped');
  }

  // --- after the plugin ---------------------------------------------------------------------

  /** finishLogging (transcript), Execute's deferred stop, then the data channel closes. */
  async #finish(makeTranscript: boolean): Promise<void> {
    const { log, sandbox } = this.#ctx;
    const plugin = sessionContext(this.sessionId);
    if (this.#ipcFd !== undefined) {
      closeSync(this.#ipcFd);
      this.#ipcFd = undefined;
    }
    if (this.#paths && makeTranscript && !sandbox.stopped) {
      const err = await generateTranscript({
        tools: this.#ctx.tools,
        initPid: sandbox.initPid,
        rootDir: sandbox.rootDir,
        path: taskEnvironment(sandbox.hostname).PATH ?? '/usr/bin:/bin',
        ipcFile: this.#paths.ipcFile,
        transcript: this.#paths.transcript,
        start: new Date(this.#startedAt),
        end: new Date(this.#ctx.logical.now()),
      });
      if (err !== undefined)
        log.error(`${plugin} unable to generate log data: ${err}`, SITES.generateLogData);
    }
    if (this.#pty) log.info(`${plugin} ${MSG.STOPPING_PTY}`);
    const url = this.#dataChannelUrl();
    log.info(`${plugin} ${closingDatachannel(this.sessionId)}`);
    log.info(`${plugin} ${closingWebsocket(url)}`);
    log.info(`${plugin} ${closedWebsocket(this.#remoteAddr())}`);
    log.info(`${plugin} ${MSG.ENDING_WEBSOCKET_PINGER}`);
    log.info(`${plugin} ${MSG.ENDING_WEBSOCKET_LISTENER}`);
    log.info(`${sessionWorkerContext(this.sessionId)} ${MSG.SESSION_WORKER_CLOSED}`);
    this.#resolveClosed();
  }

  // --- helpers ------------------------------------------------------------------------------

  #dataChannelUrl(): string {
    return dataChannelUrl(this.sessionId, `ssmmessages.${this.#ctx.region}.amazonaws.com`);
  }

  #remoteAddr(): string {
    return `ssmmessages.${this.#ctx.region}.amazonaws.com:443`;
  }

  /** The session document state the worker logs when it receives its plugin config. */
  #docState(): Record<string, unknown> {
    const { spec } = this.#ctx;
    return {
      DocumentInformation: {
        DocumentID: this.sessionId,
        InstanceID: `ecs:${spec.clusterName}_${spec.taskId}_${spec.runtimeId}`,
        DocumentName: 'AmazonECS-ExecuteInteractiveCommand',
        DocumentStatus: 'InProgress',
        CreatedDate: new Date(this.#startedAt).toISOString(),
      },
      DocumentType: 'StartSession',
      SchemaVersion: '1.0',
      InstancePluginsInformation: [
        {
          Configuration: {
            PluginName: 'InteractiveCommands',
            PluginID: 'InteractiveCommands',
            SessionId: this.sessionId,
            OrchestrationDirectory: `/var/lib/amazon/ssm/${spec.runtimeId}/session/orchestration/${this.sessionId}/InteractiveCommands`,
            Properties: { commands: this.#command, runAsElevated: true },
          },
          Name: 'InteractiveCommands',
        },
      ],
    };
  }
}
