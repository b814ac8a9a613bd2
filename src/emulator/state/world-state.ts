/**
 * The emulator's persistent state: everything the control plane remembers (clusters, task
 * definitions, tasks, sessions, documents), as plain JSON-serialisable records. Runtime objects
 * (sandboxes, agent sessions, sockets) live elsewhere and are rebuilt from this on start.
 *
 * All times are logical epoch milliseconds (see LogicalClock).
 */

/** The account id every ARN carries. Deliberate: LocalStack and moto use the same one. */
export const EMULATOR_ACCOUNT_ID = '000000000000';

/** An ECS cluster. */
export interface ClusterRecord {
  readonly name: string;
  readonly arn: string;
  status: 'ACTIVE' | 'INACTIVE';
  readonly createdAt: number;
  /** ClusterConfiguration as given to CreateCluster (JSON as on the wire). */
  configuration?: Record<string, unknown>;
  settings?: Array<{ name: string; value: string }>;
  tags?: Array<{ key: string; value: string }>;
}

/** A task definition revision; `body` is the RegisterTaskDefinition input as on the wire. */
export interface TaskDefinitionRecord {
  readonly family: string;
  readonly revision: number;
  readonly arn: string;
  status: 'ACTIVE' | 'INACTIVE';
  readonly registeredAt: number;
  readonly body: Record<string, unknown>;
}

/** ExecuteCommandAgent states as DescribeTasks reports them. */
export type ManagedAgentStatus = 'PENDING' | 'RUNNING' | 'STOPPED';

/** One container of a task. */
export interface ContainerRecord {
  readonly name: string;
  readonly arn: string;
  /** 64-hex container runtime id (the SSM target's last part). */
  readonly runtimeId: string;
  readonly image: string;
  lastStatus: 'PENDING' | 'RUNNING' | 'STOPPED';
  exitCode?: number;
  agentStatus: ManagedAgentStatus;
  agentStartedAt?: number;
  agentReason?: string;
}

/** ECS task statuses the emulator uses. */
export type TaskStatus = 'PROVISIONING' | 'PENDING' | 'RUNNING' | 'STOPPING' | 'STOPPED';

/** A task. */
export interface TaskRecord {
  readonly taskId: string;
  readonly arn: string;
  readonly clusterName: string;
  readonly taskDefinitionArn: string;
  readonly createdAt: number;
  startedAt?: number;
  stoppingAt?: number;
  stoppedAt?: number;
  lastStatus: TaskStatus;
  desiredStatus: 'RUNNING' | 'STOPPED';
  stoppedReason?: string;
  stopCode?: string;
  readonly enableExecuteCommand: boolean;
  readonly launchType: string;
  readonly platformVersion?: string;
  readonly overrides: Record<string, unknown>;
  readonly startedBy?: string;
  readonly group?: string;
  version: number;
  readonly containers: ContainerRecord[];
  readonly tags?: Array<{ key: string; value: string }>;
}

/** SSM session statuses. @see aws-api.md §3.4 */
export type SessionStatus =
  | 'Connected'
  | 'Connecting'
  | 'Disconnected'
  | 'Terminated'
  | 'Terminating'
  | 'Failed';

/** An ECS Exec (SSM) session. */
export interface SessionRecord {
  readonly sessionId: string;
  /** `ecs:<cluster>_<taskId>_<runtimeId>` */
  readonly target: string;
  status: SessionStatus;
  readonly startDate: number;
  endDate?: number;
  readonly owner: string;
  readonly documentName: string;
  readonly clusterName: string;
  readonly taskId: string;
  readonly containerName: string;
  readonly command: string;
  /** Logical time of the last client traffic that resets the idle timer (or creation). */
  lastActivityAt: number;
  /** Why it ended: idle-timeout, max-duration, terminated, task-stopped, exited, failed. */
  endReason?: string;
  /** Minutes, as the preferences gave it when the session started (string as on the wire). */
  readonly maxSessionDuration?: string;
}

/** One version of an SSM document. */
export interface DocumentVersionRecord {
  readonly version: number;
  readonly content: string;
  readonly format: 'JSON' | 'YAML' | 'TEXT';
  readonly createdDate: number;
  readonly versionName?: string;
  readonly hash: string;
}

/** An SSM document with its versions. */
export interface DocumentRecord {
  readonly name: string;
  readonly documentType: string;
  readonly owner: string;
  readonly createdDate: number;
  defaultVersion: number;
  readonly versions: DocumentVersionRecord[];
  readonly targetType?: string;
  readonly displayName?: string;
  readonly tags: Array<{ Key: string; Value: string }>;
}

/** The whole persistent state. */
export interface EmulatorState {
  readonly version: 1;
  readonly clusters: ClusterRecord[];
  readonly taskDefinitions: TaskDefinitionRecord[];
  readonly tasks: TaskRecord[];
  readonly sessions: SessionRecord[];
  readonly documents: DocumentRecord[];
}

/** An empty state. */
export function emptyState(): EmulatorState {
  return { version: 1, clusters: [], taskDefinitions: [], tasks: [], sessions: [], documents: [] };
}
