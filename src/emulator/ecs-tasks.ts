/**
 * Task lifecycle: building a task record from a task definition, starting its sandbox through
 * the AgentHost, stopping it. Shared by RunTask, StopTask, the zero-config state and state reload.
 */
import { isDiagError } from '../errors.js';
import type { TaskSpec } from './contracts.js';
import { ecsArn, hexId } from './ecs-shapes.js';
import type {
  ClusterRecord,
  ContainerRecord,
  TaskDefinitionRecord,
  TaskRecord,
} from './state/world-state.js';
import type { EmulatorWorld } from './world.js';

/** The container's init when a task definition gives no command: something that holds the namespaces. */
export const DEFAULT_INIT = ['tail', '-f', '/dev/null'] as const;

/** Options of {@link newTaskRecord}. */
export interface NewTaskOptions {
  readonly enableExecuteCommand: boolean;
  readonly launchType?: string;
  readonly platformVersion?: string;
  readonly overrides?: Record<string, unknown>;
  readonly startedBy?: string;
  readonly group?: string;
  readonly tags?: Array<{ key: string; value: string }>;
}

/** A PROVISIONING task record for a definition (not yet in the state). */
export function newTaskRecord(
  w: EmulatorWorld,
  cluster: ClusterRecord,
  def: TaskDefinitionRecord,
  opts: NewTaskOptions,
): TaskRecord {
  const taskId = hexId(w);
  const arn = ecsArn(w, `task/${cluster.name}/${taskId}`);
  const defs = (def.body['containerDefinitions'] as Array<Record<string, unknown>> | undefined) ?? [];
  const containers: ContainerRecord[] = defs.map((cd) => ({
    name: String(cd['name']),
    arn: ecsArn(w, `container/${cluster.name}/${taskId}/${w.deps.ids.uuid()}`),
    runtimeId: `${hexId(w)}${hexId(w)}`,
    image: String(cd['image'] ?? 'public.ecr.aws/docker/library/debian:stable-slim'),
    lastStatus: 'PENDING',
    agentStatus: 'PENDING',
  }));
  return {
    taskId,
    arn,
    clusterName: cluster.name,
    taskDefinitionArn: def.arn,
    createdAt: w.clock.now(),
    lastStatus: 'PROVISIONING',
    desiredStatus: 'RUNNING',
    enableExecuteCommand: opts.enableExecuteCommand,
    launchType: opts.launchType ?? 'FARGATE',
    ...(opts.platformVersion ? { platformVersion: opts.platformVersion } : {}),
    overrides: opts.overrides ?? {},
    ...(opts.startedBy ? { startedBy: opts.startedBy } : {}),
    group: opts.group ?? `family:${def.family}`,
    version: 1,
    containers,
    ...(opts.tags ? { tags: opts.tags } : {}),
  };
}

/** The sandbox spec of a task: its first container (see README "one sandbox per task"). */
export function taskSpec(w: EmulatorWorld, task: TaskRecord): TaskSpec {
  const def = w.state.taskDefinitions.find((d) => d.arn === task.taskDefinitionArn);
  const cds = (def?.body['containerDefinitions'] as Array<Record<string, unknown>> | undefined) ?? [];
  const first = task.containers[0];
  const cd = cds.find((c) => c['name'] === first?.name) ?? {};
  const override = (
    (task.overrides['containerOverrides'] as Array<Record<string, unknown>> | undefined) ?? []
  ).find((o) => o['name'] === first?.name);
  const strings = (v: unknown) =>
    Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : [];
  const command = [...strings(cd['entryPoint']), ...strings(override?.['command'] ?? cd['command'])];
  return {
    clusterName: task.clusterName,
    taskId: task.taskId,
    containerName: first?.name ?? 'app',
    runtimeId: first?.runtimeId ?? '',
    image: /busybox/i.test(first?.image ?? '') ? 'busybox' : 'host',
    command: command.length > 0 ? command : [...DEFAULT_INIT],
    sessionWorkersLimit: w.profile.sessionWorkersLimit,
  };
}

/**
 * Starts a task's sandbox and moves it to RUNNING (agent RUNNING on its first container; the
 * others are listed but have no sandbox). A sandbox that cannot start leaves the task STOPPED with
 * stopCode TaskFailedToStart, as ECS reports a container that failed to start.
 */
export async function launchTask(w: EmulatorWorld, task: TaskRecord): Promise<void> {
  try {
    await w.tasks.start(taskSpec(w, task));
  } catch (err) {
    if (isDiagError(err) && err.code === 'EMULATOR_NAMESPACES_UNAVAILABLE') throw err;
    const now = w.clock.now();
    task.lastStatus = 'STOPPED';
    task.desiredStatus = 'STOPPED';
    task.stoppedAt = now;
    task.stopCode = 'TaskFailedToStart';
    task.stoppedReason = `CannotStartContainerError: ${(err as Error).message}`.slice(0, 255);
    for (const c of task.containers) {
      c.lastStatus = 'STOPPED';
      c.agentStatus = 'STOPPED';
    }
    task.version++;
    w.changed();
    return;
  }
  const now = w.clock.now();
  task.lastStatus = 'RUNNING';
  task.startedAt = now;
  task.containers.forEach((c, i) => {
    c.lastStatus = 'RUNNING';
    if (i === 0) {
      c.agentStatus = 'RUNNING';
      c.agentStartedAt = now;
    } else {
      c.agentStatus = 'STOPPED';
      c.agentReason = 'The emulator runs one sandbox per task: only the first container can be exec’d into.';
    }
  });
  task.version++;
  w.changed();
}

/** Stops a task: its sessions end, its sandbox is killed, the record goes STOPPED. */
export async function stopTask(
  w: EmulatorWorld,
  task: TaskRecord,
  reason: string,
  stopCode: 'UserInitiated' | 'EssentialContainerExited',
): Promise<void> {
  if (task.lastStatus === 'STOPPED') return;
  task.desiredStatus = 'STOPPED';
  task.lastStatus = 'STOPPING';
  task.stoppingAt = w.clock.now();
  task.stoppedReason = reason;
  task.stopCode = stopCode;
  await w.sessions.terminateTask(task.taskId);
  await w.tasks.stop(task.taskId);
  task.lastStatus = 'STOPPED';
  task.stoppedAt = w.clock.now();
  for (const c of task.containers) {
    c.lastStatus = 'STOPPED';
    c.exitCode ??= stopCode === 'UserInitiated' ? 137 : 0;
    c.agentStatus = 'STOPPED';
  }
  task.version++;
  w.changed();
}
