/**
 * The result schema of `ecs-diag doctor` and the ports its checks run against.
 *
 * Versioned: `DOCTOR_SCHEMA_VERSION` changes when a field changes meaning or disappears (adding a
 * check or an optional field does not bump it). Documented in docs/readme/doctor.md.
 */

import type { FindingCategory } from '../../aws/classify.js';
import type { EcsApi, SsmApi, StsApi } from '../../aws/clients.js';
import type { ContainerInstancesApi, Ec2Api, IamApi, KmsApi, LogsApi } from '../../aws/doctor-clients.js';
import type { Clock, EventSink } from '../../deps.js';

/** doctor --json schema version. */
export const DOCTOR_SCHEMA_VERSION = 1;

/**
 * - `green`: fine.
 * - `yellow`: recommended, or a risk that depends on things doctor cannot see.
 * - `red`: exec will fail (or is failing) until this is fixed. Any red → exit 1.
 * - `unknown`: doctor could not tell (its own call was denied, data missing, or skipped).
 */
export type CheckStatus = 'green' | 'yellow' | 'red' | 'unknown';

/** One check's result. A finding about the target is data here, never a thrown error. */
export interface CheckResult {
  /** Stable id, e.g. `container.managed-agent`. */
  readonly id: string;
  readonly title: string;
  readonly status: CheckStatus;
  /** One line: what was seen. */
  readonly detail: string;
  /** Set for per-container checks. */
  readonly container?: string;
  /** Likely causes, most likely first (red/yellow/unknown). */
  readonly causes?: readonly string[];
  /** What the check read (ids, decisions, versions, timings). */
  readonly evidence?: Readonly<Record<string, unknown>>;
  /** The error category when a failure was classified (see src/aws/classify.ts). */
  readonly category?: FindingCategory;
  /** Where the check comes from: `checker 3.6` (amazon-ecs-exec-checker step) or `ecs-diag`. */
  readonly ref: string;
}

/** Counts per status. */
export interface StatusCounts {
  readonly green: number;
  readonly yellow: number;
  readonly red: number;
  readonly unknown: number;
}

/** The checks of one task. */
export interface TaskReport {
  readonly cluster: string;
  /** The task id or ARN as asked. */
  readonly task: string;
  readonly taskArn?: string;
  readonly checks: readonly CheckResult[];
  readonly summary: StatusCounts;
}

/** The whole doctor result (`--json` prints exactly this). */
export interface DoctorReport {
  readonly schemaVersion: typeof DOCTOR_SCHEMA_VERSION;
  readonly kind: 'ecs-diag.doctor';
  /** ISO time the run started. */
  readonly startedAt: string;
  readonly durationMs: number;
  readonly region: string;
  /** Checks about the caller and the client, not about one task. */
  readonly checks: readonly CheckResult[];
  readonly targets: readonly TaskReport[];
  /** Over `checks` and every target. */
  readonly summary: StatusCounts & { readonly tasks: number };
}

/** The AWS operations doctor reads. Production passes the SDK clients; unit tests pass fakes. */
export interface DoctorApis {
  readonly ecs: Pick<EcsApi, 'describeTasks' | 'describeClusters' | 'describeTaskDefinition' | 'listTasks'>;
  readonly containerInstances: ContainerInstancesApi;
  readonly ssm: Pick<SsmApi, 'describeSessions'>;
  readonly sts: StsApi;
  readonly iam: IamApi;
  readonly ec2: Ec2Api;
  readonly kms: KmsApi;
  readonly logs: LogsApi;
}

/** What the connection attempt reports. */
export interface ExecProbeResult {
  readonly stdout: string;
  readonly exitCode: number | undefined;
  /** Why the session ended (e.g. `exited`, or the service's closing text). */
  readonly endReason: string | undefined;
  /** ms from the ExecuteCommand call to the first output byte, when known. */
  readonly firstByteMs: number | undefined;
  readonly timings?: Readonly<Record<string, unknown>>;
}

/**
 * Runs one command in one container through the project's own client (ExecuteCommand + data
 * channel). Throws what ExecuteCommand or the session throws; doctor classifies it.
 */
export type ExecProbe = (
  target: { readonly cluster: string; readonly task: string; readonly container: string },
  command: string,
  signal: AbortSignal,
) => Promise<ExecProbeResult>;

/** Everything the checks need besides the target. */
export interface DoctorEnv {
  readonly region: string;
  readonly apis: DoctorApis;
  readonly clock: Clock;
  /** The real connection attempt. Undefined: the `exec.attempt` check is reported as skipped. */
  readonly execProbe?: ExecProbe;
  /** The installed session-manager-plugin version, or undefined when absent. Undefined probe: not checked. */
  readonly pluginProbe?: () => Promise<string | undefined>;
  /** A random marker for the attempt (injected for deterministic tests). */
  readonly marker: () => string;
  /** Per-PID-namespace ECS Exec session limit. @default 2 */
  readonly sessionLimit?: number;
  readonly signal: AbortSignal;
  /** Progress events (one per task). */
  readonly log?: EventSink;
}
