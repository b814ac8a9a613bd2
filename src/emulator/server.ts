/**
 * `startEmulator`: the composition of the embedded ECS Exec emulator on one HTTP port.
 *
 *   HTTP POST ─► router (SigV4, awsJson1_1 / query) ─► ecs | ssm | EXTRA_SERVICES ─► world
 *   HTTP Upgrade /v1/data-channel/<id> ─► gateway ─► AgentSessionHandle (agent host)
 *   SessionModel (MGS: idle timer, sweep) ─► gateway.closeChannel + agent.cancel
 *
 * Behavioural spec: src/emulator/README.md.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Deps } from '../deps.js';
import { DiagError } from '../errors.js';
import { createAgentHost } from './agent/index.js';
import type { AgentHost, BehaviourProfile, LogicalClock, TaskHandle } from './contracts.js';
import { ecsModule } from './ecs.js';
import { launchTask, stopTask } from './ecs-tasks.js';
import { createGateway, type FaultInjector, type Gateway } from './gateway/index.js';
import { createRouter } from './http/router.js';
import type { EmulatorCredentials } from './http/sigv4-verify.js';
import { createLogicalClock } from './logical-clock.js';
import { loadProfile } from './profile.js';
import { SessionModel } from './service-model/session-model.js';
import { EXTRA_SERVICES } from './services/index.js';
import { ssmModule } from './ssm.js';
import { builtinDocuments, sessionPreferences } from './ssm-documents.js';
import { loadStateFile, saveStateFile } from './state/state-file.js';
import { EMULATOR_ACCOUNT_ID, type EmulatorState, emptyState } from './state/world-state.js';
import { seedZeroConfig } from './state/zero-config.js';
import { TaskRuntime } from './task-runtime.js';
import type { EmulatorWorld } from './world.js';

/** The region the emulator reports when none is given. */
export const DEFAULT_REGION = 'us-east-1';

/** The credentials requests must be signed with unless configured otherwise. */
export const DEFAULT_CREDENTIALS: EmulatorCredentials = { accessKeyId: 'test', secretAccessKey: 'test' };

/** The port `ecs-diag emulator serve` listens on by default (LocalStack's). */
export const DEFAULT_PORT = 4566;

/** Options of {@link startEmulator}. */
export interface EmulatorOptions {
  readonly deps: Deps;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** 0 picks a free port. @default 4566 */
  readonly port?: number;
  /** A logical second lasts `timeScale` real seconds. @default 1 */
  readonly timeScale?: number;
  /** A built-in profile name, a JSON file path, or an object. @default 'default' */
  readonly profile?: string | Partial<BehaviourProfile>;
  /** Load the state from and save it to this file (atomic writes). @default in memory only */
  readonly statePath?: string;
  /** @default {accessKeyId: 'test', secretAccessKey: 'test'} */
  readonly credentials?: EmulatorCredentials;
  /** @default 'us-east-1' */
  readonly region?: string;
  /** The in-container agents. @default the real sandbox agent host (src/emulator/agent) */
  readonly agentHost?: AgentHost;
  /** Listen on a non-loopback address. @default false */
  readonly allowRemote?: boolean;
  /**
   * Where task roots live (`<workDir>/tasks/<taskId>/root`). @default a fresh temp directory,
   * removed at close
   */
  readonly workDir?: string;
  /** Create the zero-config cluster/task when the state has no cluster. @default true */
  readonly zeroConfig?: boolean;
}

/** A running emulator. */
export interface RunningEmulator {
  /** `http://host:port`: the endpoint override for the SDKs and the aws CLI. */
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: EmulatorCredentials;
  readonly profile: BehaviourProfile;
  readonly timeScale: number;
  /** Logical time (reported times are in it). */
  readonly logical: LogicalClock;
  /** Data-channel fault injection. */
  readonly faults: FaultInjector;
  /** The data-channel gateway (inspect a session's sequencing in tests). */
  readonly gateway: Gateway;
  /** The sweep phase in logical seconds. */
  readonly sweepPhaseS: number;
  /** The state (read-only use: tests and `serve` output). */
  readonly state: EmulatorState;
  /** A running task's sandbox (its root directory and init pid), by task id. */
  task(taskId: string): TaskHandle | undefined;
  /** Stops serving, ends every session and task it started, saves the state. Idempotent. */
  close(): Promise<void>;
}

/**
 * The environment that points the aws CLI, boto3 and the SDKs at an emulator. AWS_REGION is what
 * the JS SDK reads; the aws CLI v1 and boto3 read AWS_DEFAULT_REGION.
 */
export function emulatorClientEnv(
  emu: Pick<RunningEmulator, 'endpoint' | 'credentials' | 'region'>,
): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: emu.endpoint,
    AWS_ACCESS_KEY_ID: emu.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: emu.credentials.secretAccessKey,
    AWS_REGION: emu.region,
    AWS_DEFAULT_REGION: emu.region,
  };
}

/** True for loopback host names and addresses. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** Starts the emulator. */
export async function startEmulator(opts: EmulatorOptions): Promise<RunningEmulator> {
  const host = opts.host ?? '127.0.0.1';
  if (!isLoopbackHost(host) && opts.allowRemote !== true) {
    throw new DiagError(
      'EMULATOR_REMOTE_REFUSED',
      `refusing to listen on ${host}: it is not a loopback address`,
      {
        source: 'user',
        hint: 'the emulator accepts test credentials and runs commands: pass --allow-remote if you really mean it',
      },
    );
  }
  const { deps } = opts;
  const profile = loadProfile(opts.profile ?? 'default');
  const timeScale = opts.timeScale ?? 1;
  const logical = createLogicalClock(deps.clock, timeScale);
  const region = opts.region ?? DEFAULT_REGION;
  const credentials = opts.credentials ?? DEFAULT_CREDENTIALS;
  const state = opts.statePath ? loadStateFile(opts.statePath) : emptyState();
  for (const d of builtinDocuments(logical.now())) {
    if (!state.documents.some((x) => x.name === d.name)) state.documents.push(d);
  }
  // A temp work dir only when this emulator builds the real agent host itself; removed at close.
  const ownWorkDir = opts.workDir === undefined && opts.agentHost === undefined;
  const workDir = opts.workDir ?? (ownWorkDir ? mkdtempSync(join(tmpdir(), 'ecs-diag-emulator-')) : '');
  const removeWorkDir = () => {
    if (ownWorkDir) rmSync(workDir, { recursive: true, force: true });
  };
  let agentHost: AgentHost;
  try {
    agentHost =
      opts.agentHost ?? (await createAgentHost({ stateDir: workDir, profile, logical, deps, region }));
  } catch (err) {
    removeWorkDir();
    throw err;
  }

  // Persistence: coalesce saves to one per turn of the event loop; close() saves synchronously.
  let dirty = false;
  let saveScheduled = false;
  const save = () => {
    saveScheduled = false;
    if (!opts.statePath || !dirty) return;
    dirty = false;
    saveStateFile(opts.statePath, state);
  };
  const changed = () => {
    dirty = true;
    if (!opts.statePath || saveScheduled) return;
    saveScheduled = true;
    setImmediate(() => {
      try {
        save();
      } catch (err) {
        deps.log.emit({
          time: deps.clock.now(),
          level: 'error',
          code: 'EMU_E0600',
          message: `cannot save the emulator state to ${opts.statePath}: ${(err as Error).message}`,
        });
      }
    });
  };

  let address = { host, port: opts.port ?? DEFAULT_PORT };
  const urlHost = () => (address.host.includes(':') ? `[${address.host}]` : address.host);
  let sessions: SessionModel | undefined;
  const gateway = createGateway({
    deps,
    events: {
      onClientTraffic: (id, kind) => sessions?.onClientTraffic(id, kind),
      onClientDetached: (id) => sessions?.onClientDetached(id),
    },
    baseUrl: () => `ws://${urlHost()}:${address.port}`,
  });
  sessions = new SessionModel({
    clock: logical,
    profile,
    random: deps.random,
    gateway,
    log: deps.log,
    preferences: () => sessionPreferences({ state }),
    changed,
  });
  for (const s of state.sessions) sessions.adopt(s);
  const tasks = new TaskRuntime(agentHost, logical, deps.log);
  const world: EmulatorWorld = {
    region,
    accountId: EMULATOR_ACCOUNT_ID,
    clock: logical,
    deps,
    profile,
    state,
    tasks,
    sessions,
    gateway,
    changed,
    principalArn: () => `arn:aws:iam::${EMULATOR_ACCOUNT_ID}:root`,
  };
  tasks.onTaskExit((taskId) => {
    const task = state.tasks.find((t) => t.taskId === taskId);
    if (task) void stopTask(world, task, 'Essential container in task exited', 'EssentialContainerExited');
  });

  const server = createServer(
    { keepAlive: true },
    createRouter({
      modules: [ecsModule, ssmModule, ...EXTRA_SERVICES],
      world,
      credentials,
      // SigV4 skew is about the client's real clock, not the emulator's (injected or logical) one.
      realNow: () => Date.now(),
      requestId: () => deps.ids.uuid(),
      log: deps.log,
    }),
  );
  server.on('upgrade', (req, socket, head) => {
    if (!gateway.handleUpgrade(req, socket, head)) socket.destroy();
  });

  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= (async () => {
      sessions.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await gateway.close();
      try {
        await tasks.shutdown();
      } finally {
        try {
          dirty = true;
          save();
        } finally {
          removeWorkDir();
        }
      }
    })();
    return closed;
  };

  try {
    // Tasks the state says are running get their sandboxes (again); a fresh state gets the
    // zero-config cluster `default` with one exec-enabled task whose container is `app`.
    if (opts.zeroConfig !== false && state.clusters.length === 0) seedZeroConfig(world);
    for (const task of state.tasks) {
      if (task.desiredStatus === 'RUNNING' && task.lastStatus !== 'STOPPED') await launchTask(world, task);
    }
    await listen(server, host, address.port);
    address = { host, port: (server.address() as AddressInfo).port };
    sessions.start();
  } catch (err) {
    await close().catch(() => {});
    if (err instanceof DiagError) throw err;
    throw new DiagError('EMULATOR_START_FAILED', `the emulator could not start: ${(err as Error).message}`, {
      cause: err,
    });
  }
  changed();
  return {
    endpoint: `http://${urlHost()}:${address.port}`,
    region,
    credentials,
    profile,
    timeScale,
    logical,
    faults: gateway.faults,
    gateway,
    get sweepPhaseS() {
      return sessions.sweepPhaseS;
    },
    state,
    task: (taskId) => tasks.handle(taskId),
    close,
  };
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}
