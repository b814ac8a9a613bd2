/**
 * ECS ARNs, lookups and the wire shapes of records (Cluster, Task, Container, TaskDefinition).
 * Timestamps go out as epoch seconds (aws-api.md §1.3). @see aws-api.md §2
 */

import { AwsServiceError } from './http/aws-error.js';
import { EMULATOR_SUBNET_ID } from './services/doctor-state.js';
import type {
  ClusterRecord,
  ContainerRecord,
  TaskDefinitionRecord,
  TaskRecord,
} from './state/world-state.js';
import type { EmulatorWorld } from './world.js';

/** AWS texts used by several operations. */
export const ECS_TEXT = {
  clusterNotFound: 'Cluster not found.',
  taskDefinitionNotFound: 'Unable to describe task definition.',
  tasksEmpty: 'Tasks cannot be empty.',
  /** @see aws-api.md §2.1 (typographic apostrophe, as AWS sends it) */
  execNotEnabled:
    'The execute command failed because execute command was not enabled when the task was run or the execute command agent isn\u2019t running. Wait and try again or run a new task with execute command enabled and try again.',
  interactiveOnly: 'Interactive is the only mode supported currently.',
  targetNotConnected: 'The execute command failed due to an internal error. Try again later.',
  /** Emulator choice: the real text is not in public sources (aws-api.md §8). */
  taskNotFound: 'The referenced task was not found.',
  /** Observed for a malformed task id (Mic-U/ecsher#56). */
  taskIdLength: 'task length should be one of [32,36]',
} as const;

/** An ECS error (`message` key). */
export const ecsError = (code: string, message: string, status = 400) =>
  new AwsServiceError(code, message, { status, messageKey: 'message' });

/** Seconds since the epoch, as the wire wants them. */
export const epochS = (ms: number | undefined) => (ms === undefined ? undefined : Math.round(ms) / 1000);

/** ARN builders. */
export function ecsArn(w: EmulatorWorld, resource: string): string {
  return `arn:aws:ecs:${w.region}:${w.accountId}:${resource}`;
}

/** A 32-hex id from the injected ids. */
export const hexId = (w: EmulatorWorld) => w.deps.ids.uuid().replace(/-/g, '');

/** The cluster a `cluster` member names (name or ARN; default `default`). Throws ClusterNotFoundException. */
export function findCluster(w: EmulatorWorld, ref: string | undefined): ClusterRecord {
  const name = clusterName(ref);
  const c = w.state.clusters.find((x) => x.name === name && x.status === 'ACTIVE');
  if (!c) throw ecsError('ClusterNotFoundException', ECS_TEXT.clusterNotFound);
  return c;
}

/** `arn:…:cluster/NAME` or NAME → NAME. */
export function clusterName(ref: string | undefined): string {
  if (ref === undefined || ref === '') return 'default';
  const m = /^arn:aws[a-z-]*:ecs:[^:]*:\d*:cluster\/(.+)$/.exec(ref);
  return m ? (m[1] as string) : ref;
}

/** `arn:…:task/CLUSTER/ID`, `arn:…:task/ID` or ID → ID. */
export function taskIdOf(ref: string): string {
  const m = /^arn:aws[a-z-]*:ecs:[^:]*:\d*:task\/(?:[^/]+\/)?([^/]+)$/.exec(ref);
  return m ? (m[1] as string) : ref;
}

/** The task a ref names in a cluster, or undefined. */
export function findTask(w: EmulatorWorld, cluster: ClusterRecord, ref: string): TaskRecord | undefined {
  const id = taskIdOf(ref);
  return w.state.tasks.find((t) => t.clusterName === cluster.name && t.taskId === id);
}

/** The task definition a ref names: family (latest ACTIVE), family:revision, or ARN. */
export function findTaskDefinition(w: EmulatorWorld, ref: string): TaskDefinitionRecord | undefined {
  const m = /^arn:aws[a-z-]*:ecs:[^:]*:\d*:task-definition\/(.+)$/.exec(ref);
  const spec = m ? (m[1] as string) : ref;
  const [family, rev] = spec.split(':');
  const revs = w.state.taskDefinitions.filter((d) => d.family === family);
  if (rev !== undefined) return revs.find((d) => d.revision === Number(rev));
  return revs.filter((d) => d.status === 'ACTIVE').sort((a, b) => b.revision - a.revision)[0];
}

/** Cluster → wire. `configuration`/`settings`/`tags` only when `include` asks for them. */
export function clusterShape(
  w: EmulatorWorld,
  c: ClusterRecord,
  include: readonly string[],
): Record<string, unknown> {
  const tasks = w.state.tasks.filter((t) => t.clusterName === c.name);
  return {
    clusterArn: c.arn,
    clusterName: c.name,
    status: c.status,
    registeredContainerInstancesCount: 0,
    runningTasksCount: tasks.filter((t) => t.lastStatus === 'RUNNING').length,
    pendingTasksCount: tasks.filter((t) => t.lastStatus === 'PENDING' || t.lastStatus === 'PROVISIONING')
      .length,
    activeServicesCount: 0,
    statistics: [],
    capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
    defaultCapacityProviderStrategy: [],
    ...(include.includes('CONFIGURATIONS') && c.configuration ? { configuration: c.configuration } : {}),
    ...(include.includes('SETTINGS')
      ? { settings: c.settings ?? [{ name: 'containerInsights', value: 'disabled' }] }
      : {}),
    ...(include.includes('TAGS') ? { tags: c.tags ?? [] } : {}),
  };
}

/** TaskDefinition → wire. */
export function taskDefinitionShape(w: EmulatorWorld, d: TaskDefinitionRecord): Record<string, unknown> {
  const { tags: _tags, ...body } = d.body;
  return {
    ...body,
    taskDefinitionArn: d.arn,
    family: d.family,
    revision: d.revision,
    status: d.status,
    compatibilities: ['EC2', 'FARGATE'],
    requiresAttributes: [],
    registeredAt: epochS(d.registeredAt),
    registeredBy: `arn:aws:iam::${w.accountId}:root`,
  };
}

function containerShape(t: TaskRecord, c: ContainerRecord): Record<string, unknown> {
  return {
    containerArn: c.arn,
    taskArn: t.arn,
    name: c.name,
    image: c.image,
    runtimeId: c.runtimeId,
    lastStatus: c.lastStatus,
    ...(c.exitCode !== undefined ? { exitCode: c.exitCode } : {}),
    networkInterfaces: [],
    healthStatus: 'UNKNOWN',
    cpu: '0',
    ...(t.enableExecuteCommand
      ? {
          managedAgents: [
            {
              name: 'ExecuteCommandAgent',
              lastStatus: c.agentStatus,
              ...(c.agentStartedAt !== undefined ? { lastStartedAt: epochS(c.agentStartedAt) } : {}),
              ...(c.agentReason !== undefined ? { reason: c.agentReason } : {}),
            },
          ],
        }
      : {}),
  };
}

/** Task → wire. `enableExecuteCommand` is always present (the Exec Checker relies on it). */
export function taskShape(
  w: EmulatorWorld,
  t: TaskRecord,
  include: readonly string[] = [],
): Record<string, unknown> {
  const cluster = w.state.clusters.find((c) => c.name === t.clusterName);
  return {
    taskArn: t.arn,
    clusterArn: cluster?.arn ?? ecsArn(w, `cluster/${t.clusterName}`),
    taskDefinitionArn: t.taskDefinitionArn,
    lastStatus: t.lastStatus,
    desiredStatus: t.desiredStatus,
    launchType: t.launchType,
    ...(t.launchType === 'FARGATE'
      ? { platformVersion: t.platformVersion ?? '1.4.0', platformFamily: 'Linux' }
      : {}),
    enableExecuteCommand: t.enableExecuteCommand,
    availabilityZone: `${w.region}a`,
    connectivity: 'CONNECTED',
    connectivityAt: epochS(t.createdAt),
    createdAt: epochS(t.createdAt),
    ...(t.startedAt !== undefined
      ? {
          startedAt: epochS(t.startedAt),
          pullStartedAt: epochS(t.startedAt),
          pullStoppedAt: epochS(t.startedAt),
        }
      : {}),
    ...(t.stoppingAt !== undefined ? { stoppingAt: epochS(t.stoppingAt) } : {}),
    ...(t.stoppedAt !== undefined
      ? { stoppedAt: epochS(t.stoppedAt), executionStoppedAt: epochS(t.stoppedAt) }
      : {}),
    ...(t.stoppedReason !== undefined ? { stoppedReason: t.stoppedReason } : {}),
    ...(t.stopCode !== undefined ? { stopCode: t.stopCode } : {}),
    ...(t.startedBy !== undefined ? { startedBy: t.startedBy } : {}),
    ...(t.group !== undefined ? { group: t.group } : {}),
    cpu: '256',
    memory: '512',
    healthStatus: 'UNKNOWN',
    overrides: { containerOverrides: [], inferenceAcceleratorOverrides: [], ...t.overrides },
    // Deviation: every task reports one attached ENI in the emulator's single subnet (as an
    // awsvpc/Fargate task does), so network checks have a subnet to look at.
    attachments: [
      {
        id: t.taskId.slice(0, 8) + '-eni0-' + t.taskId.slice(8, 20),
        type: 'ElasticNetworkInterface',
        status: 'ATTACHED',
        details: [
          { name: 'subnetId', value: EMULATOR_SUBNET_ID },
          { name: 'networkInterfaceId', value: `eni-${t.taskId.slice(0, 17)}` },
          { name: 'privateIPv4Address', value: '10.0.0.10' },
        ],
      },
    ],
    attributes: [],
    containers: t.containers.map((c) => containerShape(t, c)),
    ephemeralStorage: { sizeInGiB: 20 },
    version: t.version,
    ...(include.includes('TAGS') ? { tags: t.tags ?? [] } : {}),
  };
}
