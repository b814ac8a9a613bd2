/**
 * Run one command in a container through ECS Exec and get its real result.
 *
 * 1. `ecs:ExecuteCommand` (interactive: true) with the wrapped command (session/command-wrapper.ts);
 * 2. open the data channel over the `ws` transport (or the one given);
 * 3. collect stdout, the exit status and how the session ended (session/run-command.ts).
 *
 * A drop of the WebSocket is resumed with `ssm:ResumeSession` when an SSM client is given
 * (it may not work for ECS sessions, §2.15: then the run ends as connection-lost). An abort
 * (Ctrl-C) terminates the remote session with `ssm:TerminateSession` when possible, so the command
 * does not linger until the idle timeout.
 *
 * ExecuteCommand errors become DiagErrors with AWS_* codes (the tool cannot go on); what the
 * command or the session did is data in the RunResult.
 */

import { classifyError } from '../aws/classify.js';
import type { EcsApi, SsmApi } from '../aws/clients.js';
import { wsTransport } from '../aws/ws-transport.js';
import type { Deps } from '../deps.js';
import { DiagError, type DiagErrorCode } from '../errors.js';
import {
  type CommandStdin,
  collectCommandResult,
  newMarker,
  openSession,
  type RunResult,
  type Session,
  type SessionTarget,
  type TransportFactory,
  wrapCommand,
} from '../session/index.js';

/** Which container to exec into. */
export interface ExecTarget {
  readonly cluster: string;
  readonly task: string;
  /** Needed when the task has more than one container. */
  readonly container?: string;
}

/** The clients remote exec needs. */
export interface RemoteExecClients {
  readonly ecs: Pick<EcsApi, 'executeCommand'>;
  /** For ResumeSession after a drop and TerminateSession on abort. */
  readonly ssm?: Pick<SsmApi, 'resumeSession' | 'terminateSession'>;
}

/** Options of {@link remoteExec}. */
export interface RemoteExecOptions {
  readonly deps: Deps;
  readonly signal?: AbortSignal;
  /** @default the `ws` transport */
  readonly transport?: TransportFactory;
  /** Ends the session (aborted, exitCode null) after this long. */
  readonly timeoutMs?: number;
  /** Streams command output as it arrives. */
  readonly onStdout?: (chunk: Uint8Array) => void;
  /** Keep stdout in the result. @default true */
  readonly keepStdout?: boolean;
  /** The command's stdin. @default 'null' (/dev/null) */
  readonly stdin?: CommandStdin;
}

/** What ExecuteCommand returned, plus the open session. */
export interface ExecSession {
  readonly session: Session;
  readonly target: SessionTarget;
  readonly containerName: string | undefined;
  readonly taskArn: string | undefined;
}

/** Options of {@link openExecSession}. */
export interface OpenExecSessionOptions {
  readonly deps: Deps;
  readonly signal?: AbortSignal;
  readonly transport?: TransportFactory;
}

/**
 * Calls ExecuteCommand with `command` as given (no wrapping) and opens its data channel.
 * Used by `exec --interactive` and by {@link remoteExec}.
 */
export async function openExecSession(
  clients: RemoteExecClients,
  target: ExecTarget,
  command: string,
  options: OpenExecSessionOptions,
): Promise<ExecSession> {
  let response: Awaited<ReturnType<EcsApi['executeCommand']>>;
  try {
    response = await clients.ecs.executeCommand({
      cluster: target.cluster,
      task: target.task,
      ...(target.container ? { container: target.container } : {}),
      command,
      interactive: true,
    });
  } catch (cause) {
    throw executeCommandError(cause, target);
  }
  const s = response.session;
  if (!s?.sessionId || !s.streamUrl || !s.tokenValue) {
    throw new DiagError(
      'AWS_SERVICE_ERROR',
      'ExecuteCommand returned no session (sessionId, streamUrl, tokenValue)',
    );
  }
  const sessionTarget: SessionTarget = {
    sessionId: s.sessionId,
    streamUrl: s.streamUrl,
    tokenValue: s.tokenValue,
  };
  const ssm = clients.ssm;
  const session = openSession(sessionTarget, {
    transport: options.transport ?? wsTransport(),
    deps: options.deps,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(ssm
      ? {
          resume: async () => {
            const r = await ssm.resumeSession({ SessionId: sessionTarget.sessionId });
            return r.TokenValue
              ? { tokenValue: r.TokenValue, ...(r.StreamUrl ? { streamUrl: r.StreamUrl } : {}) }
              : undefined;
          },
        }
      : {}),
  });
  if (ssm) {
    void session.ended.then(async (end) => {
      if (end.kind !== 'aborted') return;
      try {
        await ssm.terminateSession({ SessionId: sessionTarget.sessionId });
      } catch {
        // Best effort: the idle timeout ends it otherwise.
      }
    });
  }
  return { session, target: sessionTarget, containerName: response.containerName, taskArn: response.taskArn };
}

/** Runs `command` in the target container and returns its output, exit status and end. */
export async function remoteExec(
  clients: RemoteExecClients,
  target: ExecTarget,
  command: string,
  opts: RemoteExecOptions,
): Promise<RunResult> {
  const marker = newMarker(opts.deps.ids.uuid());
  const wrapped = wrapCommand(command, marker, opts.stdin ?? 'null');
  const { session } = await openExecSession(clients, target, wrapped, opts);
  return collectCommandResult(session, marker, {
    deps: opts.deps,
    ...(opts.onStdout ? { onStdout: opts.onStdout } : {}),
    ...(opts.keepStdout !== undefined ? { keepStdout: opts.keepStdout } : {}),
    ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
  });
}

/** Maps an ExecuteCommand failure to a coded error. */
export function executeCommandError(cause: unknown, target: ExecTarget): DiagError {
  const c = classifyError(cause);
  const where = `task ${target.task} in cluster ${target.cluster}${target.container ? `, container ${target.container}` : ''}`;
  const code = codeFor(c.category, c.name, c.message);
  const hint = HINTS[code];
  return new DiagError(
    code,
    `ExecuteCommand failed for ${where}: ${c.name ? `${c.name}: ` : ''}${c.message}`,
    {
      cause,
      ...(hint ? { hint } : {}),
      ...(code === 'AWS_CLUSTER_NOT_FOUND' ||
      code === 'AWS_TASK_NOT_FOUND' ||
      code === 'AWS_CONTAINER_NOT_FOUND'
        ? { source: 'user' as const }
        : {}),
    },
  );
}

function codeFor(category: string, name: string | undefined, message: string): DiagErrorCode {
  switch (category) {
    case 'access-denied':
      return 'AWS_ACCESS_DENIED';
    case 'target-not-connected':
      return 'AWS_TARGET_NOT_CONNECTED';
    case 'exec-not-enabled':
      return 'AWS_EXEC_NOT_ENABLED';
    case 'throttling':
      return 'AWS_THROTTLED';
    case 'credentials':
      return 'AWS_CREDENTIALS';
    case 'network':
      return 'AWS_NETWORK';
    case 'not-found':
      if (name === 'ClusterNotFoundException' || /cluster/i.test(message)) return 'AWS_CLUSTER_NOT_FOUND';
      return /container/i.test(message) ? 'AWS_CONTAINER_NOT_FOUND' : 'AWS_TASK_NOT_FOUND';
    case 'invalid-parameter':
      if (/container/i.test(message)) return 'AWS_CONTAINER_NOT_FOUND';
      if (/task.*(not found|does not exist)|not found.*task/i.test(message)) return 'AWS_TASK_NOT_FOUND';
      return 'AWS_INVALID_PARAMETER';
    default:
      return 'AWS_SERVICE_ERROR';
  }
}

const HINTS: Partial<Record<DiagErrorCode, string>> = {
  AWS_EXEC_NOT_ENABLED:
    'run the task with enableExecuteCommand and check that its ExecuteCommandAgent is RUNNING',
  AWS_TARGET_NOT_CONNECTED:
    'the agent in the task cannot reach ssmmessages: check the task role (ssmmessages:*) and the network path; `ecs-diag doctor` checks both',
  AWS_ACCESS_DENIED: 'the caller needs ecs:ExecuteCommand on the task (and ssm:StartSession)',
  AWS_CONTAINER_NOT_FOUND: 'name the container with --container when the task has several',
};
