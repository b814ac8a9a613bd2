/**
 * Harness for the doctor emulator tests: an emulator on port 0 with an in-test AgentHost (no
 * namespaces needed: tasks are records, `echo X` sessions print X and exit), the real SDK clients
 * pointed at it, and `doctor()` running every check through the wire.
 */

import * as ecs from '@aws-sdk/client-ecs';
import { type AwsClients, makeAwsClients, sdkClientConfig } from '../../src/aws/clients.js';
import { makeDoctorClients } from '../../src/aws/doctor-clients.js';
import { wsTransport } from '../../src/aws/ws-transport.js';
import { systemClock, systemIds } from '../../src/deps.js';
import type {
  AgentHost,
  AgentSessionEnd,
  AgentSessionHandle,
  CancelReason,
  TaskHandle,
  TaskSpec,
} from '../../src/emulator/contracts.js';
import { type RunningEmulator, startEmulator } from '../../src/emulator/server.js';
import { type DoctorServicesState, doctorState } from '../../src/emulator/services/doctor-state.js';
import type { TaskRecord } from '../../src/emulator/state/world-state.js';
import { doctorApis } from '../../src/scenarios/doctor/doctor-apis.js';
import { sessionExecProbe } from '../../src/scenarios/doctor/exec-probe.js';
import { runDoctor } from '../../src/scenarios/doctor/run-doctor.js';
import type {
  CheckResult,
  CheckStatus,
  DoctorEnv,
  DoctorReport,
  ExecProbe,
} from '../../src/scenarios/doctor/types.js';
import { RecordingSink } from '../helpers/manual-clock.js';

/** A session that prints what `echo` would and exits 0; `sleep` runs until cancelled; others exit 0 silently. */
class EchoSession implements AgentSessionHandle {
  readonly pid = 4242;
  readonly ended: Promise<AgentSessionEnd>;
  #resolve!: (e: AgentSessionEnd) => void;
  constructor(
    readonly sessionId: string,
    readonly command: string,
  ) {
    this.ended = new Promise((r) => {
      this.#resolve = r;
    });
  }
  onOutput(cb: (chunk: Uint8Array) => void): void {
    setImmediate(() => {
      const m = /^echo (.*)$/.exec(this.command);
      if (!m) {
        // `sleep …` runs until cancelled (it holds a session slot); anything else prints nothing.
        if (!this.command.startsWith('sleep '))
          this.#resolve({ kind: 'exited', exitStatus: 0, signal: null });
        return;
      }
      cb(new TextEncoder().encode(`${m[1]}\r\n`));
      this.#resolve({ kind: 'exited', exitStatus: 0, signal: null });
    });
  }
  setPaused(): void {}
  write(): void {}
  resize(): void {}
  async cancel(_reason: CancelReason): Promise<void> {
    this.#resolve({ kind: 'exited', exitStatus: null, signal: 'SIGKILL' });
  }
}

/** An AgentHost without sandboxes. `failSessions` makes startSession throw (→ TargetNotConnected). */
export class RecordAgentHost implements AgentHost {
  failSessions = false;
  readonly sessions: EchoSession[] = [];
  async startTask(spec: TaskSpec): Promise<TaskHandle> {
    return {
      taskId: spec.taskId,
      rootDir: '/nonexistent-ecs-diag-doctor',
      initPid: 1,
      exited: new Promise(() => {}),
    };
  }
  async stopTask(): Promise<void> {}
  async startSession(
    _taskId: string,
    opts: { sessionId: string; command: string },
  ): Promise<AgentSessionHandle> {
    if (this.failSessions) throw new Error('agent not connected');
    const s = new EchoSession(opts.sessionId, opts.command);
    this.sessions.push(s);
    return s;
  }
  async shutdown(): Promise<void> {}
}

/** A started emulator and doctor over it. */
export interface DoctorHarness {
  readonly emulator: RunningEmulator;
  readonly agents: RecordAgentHost;
  /** The doctor knobs of this emulator. */
  readonly knobs: DoctorServicesState;
  /** The zero-config task. */
  readonly task: TaskRecord;
  /** The SDK clients pointed at the emulator (to change its state through the API). */
  readonly clients: AwsClients;
  /** The real attempt: ExecuteCommand + the project's data-channel client. */
  readonly probe: ExecProbe;
  /** Doctor on the zero-config task. */
  doctor(over?: Partial<DoctorEnv>): Promise<DoctorReport>;
  /** Doctor on another task. */
  doctorOn(cluster: string, taskId: string, over?: Partial<DoctorEnv>): Promise<DoctorReport>;
  /** Registers a task definition (zero-config body + `patch`) and runs one task of it; returns its id. */
  runTask(opts?: RunOptions): Promise<string>;
  close(): Promise<void>;
}

/** How {@link DoctorHarness.runTask} varies the zero-config task. */
export interface RunOptions {
  readonly cluster?: string;
  /** Cluster configuration (created when the cluster does not exist). */
  readonly clusterConfiguration?: ecs.ClusterConfiguration;
  /** Merged into the task definition. */
  readonly taskDefinition?: Partial<ecs.RegisterTaskDefinitionCommandInput>;
  /** Merged into the `app` container definition. */
  readonly container?: Partial<ecs.ContainerDefinition>;
  readonly enableExecuteCommand?: boolean;
  readonly platformVersion?: string;
  readonly overrides?: ecs.TaskOverride;
}

/** Starts the emulator with the zero-config cluster `default` and its one task. */
export async function startDoctorHarness(): Promise<DoctorHarness> {
  const agents = new RecordAgentHost();
  const deps = { clock: systemClock, ids: systemIds, random: Math.random, log: new RecordingSink() };
  const emulator = await startEmulator({ deps, port: 0, agentHost: agents });
  const config = {
    region: emulator.region,
    endpoint: emulator.endpoint,
    credentials: emulator.credentials,
    maxAttempts: 1,
  };
  const clients = makeAwsClients(config);
  const admin = new ecs.ECS(sdkClientConfig(config));
  const extra = makeDoctorClients(config);
  const task = emulator.state.tasks[0];
  if (!task) throw new Error('the zero-config task is missing');
  const doctorOn = (cluster: string, taskId: string, over: Partial<DoctorEnv> = {}) =>
    runDoctor(
      {
        region: emulator.region,
        apis: doctorApis(clients, extra),
        clock: systemClock,
        marker: () => 'ECSDIAG-DOCTOR-MARKER',
        signal: new AbortController().signal,
        ...over,
      },
      { selection: { kind: 'tasks', cluster, tasks: [taskId] } },
    );
  let revision = 0;
  const runTask = async (o: RunOptions = {}) => {
    const cluster = o.cluster ?? 'default';
    if (!emulator.state.clusters.some((c) => c.name === cluster)) {
      await clients.ecs.describeClusters({ clusters: [cluster] });
      const full = clients.ecs as unknown as {
        createCluster(i: ecs.CreateClusterCommandInput): Promise<unknown>;
      };
      await full.createCluster({
        clusterName: cluster,
        ...(o.clusterConfiguration ? { configuration: o.clusterConfiguration } : {}),
      });
    }
    const base = emulator.state.taskDefinitions[0]?.body as unknown as ecs.RegisterTaskDefinitionCommandInput;
    const app = base.containerDefinitions?.[0] ?? {};
    const full = clients.ecs as unknown as {
      registerTaskDefinition(
        i: ecs.RegisterTaskDefinitionCommandInput,
      ): Promise<ecs.RegisterTaskDefinitionCommandOutput>;
    };
    revision++;
    const def = await full.registerTaskDefinition({
      ...base,
      family: `doctor-${revision}`,
      ...o.taskDefinition,
      containerDefinitions: [{ ...app, ...o.container }],
    });
    const run = await admin.runTask({
      cluster,
      taskDefinition: def.taskDefinition?.taskDefinitionArn ?? '',
      enableExecuteCommand: o.enableExecuteCommand ?? true,
      launchType: 'FARGATE',
      ...(o.platformVersion ? { platformVersion: o.platformVersion } : {}),
      ...(o.overrides ? { overrides: o.overrides } : {}),
    });
    const arn = run.tasks?.[0]?.taskArn;
    if (!arn) throw new Error(`RunTask failed: ${JSON.stringify(run.failures)}`);
    return arn.split('/').pop() ?? '';
  };
  return {
    emulator,
    agents,
    knobs: doctorState(emulator.state),
    task,
    clients,
    probe: sessionExecProbe(clients, { transport: wsTransport(), deps, timeoutMs: 10_000 }),
    doctorOn,
    runTask,
    doctor: (over = {}) => doctorOn('default', task.taskId, over),
    async close() {
      clients.destroy();
      extra.destroy();
      admin.destroy();
      await emulator.close();
    },
  };
}

/** The checks of the report (global and the one task), by id. */
export function checks(report: DoctorReport, id: string): CheckResult[] {
  return [...report.checks, ...(report.targets[0]?.checks ?? [])].filter((c) => c.id === id);
}

/** The worst status among the checks with `id` (fails when there is none). */
export function statusOf(report: DoctorReport, id: string): CheckStatus {
  const found = checks(report, id);
  if (found.length === 0) throw new Error(`no check ${id} in the report`);
  const order: CheckStatus[] = ['red', 'unknown', 'yellow', 'green'];
  return order.find((s) => found.some((c) => c.status === s)) ?? 'green';
}
