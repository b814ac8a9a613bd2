/**
 * ECS ExecuteCommand: checks in AWS's order with AWS's texts, then starts the command in the task
 * (the command runs from here on, whether or not a client ever attaches) and opens its data channel.
 *
 * @see /work/shared/docs/aws-api.md §2.1, ssm-data-channel.md §3.1, §3.4
 */
import { isDiagError } from '../errors.js';
import { ECS_TEXT, ecsError, findCluster, findTask } from './ecs-shapes.js';
import { jsonResponse } from './http/aws-error.js';
import { ECS_VALIDATION, Input } from './http/input.js';
import type { ServiceRequest, ServiceResponse } from './service-module.js';
import { execCommandGate } from './services/exec-gate.js';
import type { SessionRecord } from './state/world-state.js';
import type { EmulatorWorld } from './world.js';

/** The document ECS starts exec sessions with. @see aws-api.md §3.7 */
export const ECS_EXEC_DOCUMENT = 'AmazonECS-ExecuteInteractiveCommand';

/**
 * Text when the container already runs SessionWorkersLimit sessions.
 * @see aws-api.md §2.1 (single third-party source; the limit number is the container's)
 */
export const sessionLimitText = (n: number) =>
  `Unable to start new execute sessions because the maximum session limit of ${n} has been reached.`;

/** Handles ExecuteCommand. */
export async function executeCommand(req: ServiceRequest, w: EmulatorWorld): Promise<ServiceResponse> {
  const input = new Input(req.input, ECS_VALIDATION);
  const command = input.string('command');
  const interactive = input.bool('interactive');
  const taskRef = input.string('task');
  const containerRef = input.optString('container');
  // 1. Only interactive sessions exist.
  if (!interactive) throw ecsError('InvalidParameterException', ECS_TEXT.interactiveOnly);
  // 2. The cluster, then the task.
  const cluster = findCluster(w, input.optString('cluster'));
  const id = taskRef.startsWith('arn:') ? taskRef.slice(taskRef.lastIndexOf('/') + 1) : taskRef;
  if (id.length !== 32 && id.length !== 36)
    throw ecsError('InvalidParameterException', ECS_TEXT.taskIdLength);
  const task = findTask(w, cluster, taskRef);
  if (!task) throw ecsError('InvalidParameterException', ECS_TEXT.taskNotFound);
  // 3. The container (only needed when the task has several).
  let container = task.containers[0];
  if (containerRef !== undefined) {
    container = task.containers.find((c) => c.name === containerRef);
    if (!container) {
      throw ecsError(
        'InvalidParameterException',
        `The container ${containerRef} does not exist in the task.`,
      );
    }
  } else if (task.containers.length > 1) {
    throw ecsError(
      'InvalidParameterException',
      'The task has more than one container. Specify the container name with the container parameter.',
    );
  }
  if (!container) throw ecsError('InvalidParameterException', ECS_TEXT.taskNotFound);
  // 4. Exec enabled at launch and the agent running.
  if (!task.enableExecuteCommand || task.lastStatus !== 'RUNNING' || container.agentStatus !== 'RUNNING') {
    throw ecsError('InvalidParameterException', ECS_TEXT.execNotEnabled);
  }
  // 4b. Permissions and the agent's channel, as the doctor state models them (IAM denials).
  const taskRoleArn =
    (task.overrides['taskRoleArn'] as string | undefined) ??
    (w.state.taskDefinitions.find((d) => d.arn === task.taskDefinitionArn)?.body['taskRoleArn'] as
      | string
      | undefined);
  const denied = execCommandGate(w, {
    callerArn: w.principalArn(req.accessKeyId),
    taskArn: task.arn,
    taskRoleArn,
  });
  if (denied) throw denied;
  // 5. SessionWorkersLimit of the container's agent.
  const limit = w.tasks.sessionWorkersLimit(task.taskId, w.profile.sessionWorkersLimit);
  if (w.sessions.runningCount(task.taskId, container.name) >= limit) {
    w.deps.log.emit({
      time: w.clock.now(),
      level: 'warn',
      code: 'EMU_W0102',
      message: `ExecuteCommand refused: ${limit} sessions already run in task ${task.taskId} container ${container.name} (SessionWorkersLimit ${limit})`,
      data: { taskId: task.taskId, container: container.name, limit },
    });
    throw ecsError('ClientException', sessionLimitText(limit));
  }
  // 6. Start the command: from here on it runs, attached or not.
  const sessionId = `ecs-execute-command-${w.deps.ids.uuid().replace(/-/g, '').slice(0, 17)}`;
  let agent: Awaited<ReturnType<EmulatorWorld['tasks']['startSession']>>;
  try {
    agent = await w.tasks.startSession(task.taskId, sessionId, command);
  } catch (err) {
    w.deps.log.emit({
      time: w.clock.now(),
      level: 'warn',
      code: 'EMU_W0101',
      message: `ExecuteCommand: the agent could not start the session: ${(err as Error).message}`,
      data: { code: isDiagError(err) ? err.code : undefined },
    });
    throw ecsError('TargetNotConnectedException', ECS_TEXT.targetNotConnected);
  }
  const now = w.clock.now();
  const prefs = w.sessions.preferencesNow();
  const record: SessionRecord = {
    sessionId,
    target: `ecs:${cluster.name}_${task.taskId}_${container.runtimeId}`,
    status: 'Connected',
    startDate: now,
    owner: w.principalArn(req.accessKeyId),
    documentName: ECS_EXEC_DOCUMENT,
    clusterName: cluster.name,
    taskId: task.taskId,
    containerName: container.name,
    command,
    lastActivityAt: now,
    ...(prefs.maxSessionDurationMin !== undefined
      ? { maxSessionDuration: String(prefs.maxSessionDurationMin) }
      : {}),
  };
  w.state.sessions.push(record);
  const token = newToken(w);
  w.gateway.openChannel(sessionId, agent, token);
  w.sessions.register(record, agent);
  return jsonResponse({
    clusterArn: cluster.arn,
    containerArn: container.arn,
    containerName: container.name,
    interactive: true,
    session: { sessionId, streamUrl: w.gateway.streamUrl(sessionId), tokenValue: token },
    taskArn: task.arn,
  });
}

/** An opaque session token (base64, like AWS's). */
export function newToken(w: EmulatorWorld): string {
  const raw = `${w.deps.ids.uuid()}${w.deps.ids.uuid()}`.replace(/-/g, '');
  return `AAEAA${Buffer.from(raw, 'hex').toString('base64')}`;
}
