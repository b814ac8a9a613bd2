/**
 * The tasks a matrix runs on: resolved from --cluster/--task/--service (or the cluster's running
 * tasks), checked (exists, exec enabled, agent running), optionally multiplied with --provision N
 * (RunTask copies, stopped at the end), and probed for their per-container session limit
 * (`/managed-agents/execute-command/configuration/amazon-ssm-agent.json`, default 2) and agent version.
 */
import type { Task } from '@aws-sdk/client-ecs';
import type { EcsApi } from '../aws/clients.js';
import { type Deps, sleep } from '../deps.js';
import { DiagError } from '../errors.js';
import type { ContainerRef, ExecPort } from './case-executor.js';
import type { PlanTask } from './plan.js';

/** Default SessionWorkersLimit of ECS Exec. @see ssm-data-channel.md §3.3 */
export const DEFAULT_SESSION_LIMIT = 2;

/** Where the agent config lives in an ECS Exec container. */
export const AGENT_CONFIG_PATH = '/managed-agents/execute-command/configuration/amazon-ssm-agent.json';

/** What to run on. */
export interface TaskSelection {
  readonly cluster: string;
  /** Task ids or ARNs. Empty: the cluster's running tasks (or the service's). */
  readonly tasks: readonly string[];
  readonly service?: string;
  /** Container name. @default the first container with a running ExecuteCommandAgent */
  readonly container?: string;
}

/** A task checked and ready. */
export interface ResolvedTask extends ContainerRef {
  readonly taskDefinitionArn?: string;
}

/** Resolves and checks the tasks. Throws one coded error for the first problem. */
export async function resolveTasks(ecs: EcsApi, sel: TaskSelection): Promise<ResolvedTask[]> {
  let arns = [...sel.tasks];
  if (arns.length === 0) {
    const listed = await aws(() =>
      ecs.listTasks({
        cluster: sel.cluster,
        desiredStatus: 'RUNNING',
        ...(sel.service ? { serviceName: sel.service } : {}),
      }),
    );
    arns = listed.taskArns ?? [];
    if (arns.length === 0) {
      throw new DiagError(
        'AWS_TASK_NOT_FOUND',
        `no running task in cluster ${sel.cluster}${sel.service ? ` for service ${sel.service}` : ''}`,
        { source: 'user', hint: 'name tasks with --task, or start one (or use --provision N with --task)' },
      );
    }
  }
  const described = await aws(() => ecs.describeTasks({ cluster: sel.cluster, tasks: arns }));
  const failure = described.failures?.[0];
  if (failure) {
    throw new DiagError(
      'AWS_TASK_NOT_FOUND',
      `task ${failure.arn ?? '?'} not found in cluster ${sel.cluster} (${failure.reason ?? 'MISSING'})`,
      {
        source: 'user',
      },
    );
  }
  return (described.tasks ?? []).map((t) => checkTask(t, sel));
}

function checkTask(t: Task, sel: TaskSelection): ResolvedTask {
  const id = t.taskArn ?? '?';
  if (t.lastStatus !== 'RUNNING') {
    throw new DiagError('AWS_TASK_NOT_FOUND', `task ${id} is ${t.lastStatus ?? 'not running'}`, {
      source: 'user',
    });
  }
  if (!t.enableExecuteCommand) {
    throw new DiagError('AWS_EXEC_NOT_ENABLED', `task ${id} was started without enableExecuteCommand`, {
      source: 'user',
      hint: 'start it with --enable-execute-command (aws ecs run-task / update-service --force-new-deployment)',
    });
  }
  const containers = t.containers ?? [];
  const agentOk = (c: (typeof containers)[number]) =>
    (c.managedAgents ?? []).some((a) => a.name === 'ExecuteCommandAgent' && a.lastStatus === 'RUNNING');
  const c = sel.container ? containers.find((x) => x.name === sel.container) : containers.find(agentOk);
  if (!c?.name) {
    throw new DiagError(
      sel.container ? 'AWS_CONTAINER_NOT_FOUND' : 'AWS_TARGET_NOT_CONNECTED',
      sel.container
        ? `task ${id} has no container ${sel.container}`
        : `task ${id} has no container whose ExecuteCommandAgent is RUNNING`,
      { source: sel.container ? 'user' : 'environment' },
    );
  }
  return {
    cluster: sel.cluster,
    task: id,
    container: c.name,
    ...(t.taskDefinitionArn ? { taskDefinitionArn: t.taskDefinitionArn } : {}),
  };
}

/**
 * Starts `count` exec-enabled copies of a task (same definition, same cluster) and waits until
 * their agents run. Returns them; the caller stops them with {@link stopTasks}.
 */
export async function provisionTasks(
  ecs: EcsApi,
  from: ResolvedTask,
  count: number,
  deps: Deps,
  signal: AbortSignal,
  timeoutMs = 120_000,
): Promise<ResolvedTask[]> {
  if (count <= 0) return [];
  if (!from.taskDefinitionArn)
    throw new DiagError('AWS_TASK_NOT_FOUND', `task ${from.task} has no task definition`);
  const arns: string[] = [];
  for (let left = count; left > 0; left -= 10) {
    const r = await aws(() =>
      ecs.runTask({
        cluster: from.cluster,
        taskDefinition: from.taskDefinitionArn,
        count: Math.min(10, left),
        enableExecuteCommand: true,
        startedBy: 'ecs-diag',
      }),
    );
    arns.push(...(r.tasks ?? []).flatMap((t) => (t.taskArn ? [t.taskArn] : [])));
  }
  const deadline = deps.clock.now() + timeoutMs;
  for (;;) {
    const d = await aws(() => ecs.describeTasks({ cluster: from.cluster, tasks: arns }));
    const ready = (d.tasks ?? []).filter(
      (t) =>
        t.lastStatus === 'RUNNING' &&
        (t.containers ?? []).some((c) =>
          (c.managedAgents ?? []).some((a) => a.name === 'ExecuteCommandAgent' && a.lastStatus === 'RUNNING'),
        ),
    );
    if (ready.length === arns.length) {
      return ready.map((t) => checkTask(t, { cluster: from.cluster, tasks: [], container: from.container }));
    }
    if (deps.clock.now() > deadline) {
      await stopTasks(ecs, from.cluster, arns);
      throw new DiagError(
        'AWS_TARGET_NOT_CONNECTED',
        `provisioned tasks did not get a running exec agent in ${timeoutMs / 1000} s`,
      );
    }
    await sleep(deps.clock, 500, signal);
  }
}

/** Stops tasks the run started (best effort). */
export async function stopTasks(ecs: EcsApi, cluster: string, tasks: readonly string[]): Promise<void> {
  await Promise.allSettled(
    tasks.map((task) => ecs.stopTask({ cluster, task, reason: 'ecs-diag run finished' })),
  );
}

/** What a probe of one container found. */
export interface TaskProbe {
  readonly sessionLimit: number;
  /** The agent version, when the logs or the binary directory show it. */
  readonly agentVersion?: string;
}

/** The probe script: prints the agent config and version hints. */
export const PROBE_SCRIPT = [
  `echo ecsdiag:config=$(cat ${AGENT_CONFIG_PATH} 2>/dev/null | tr -d '\\n')`,
  'v=$(grep -o "ssm-session-worker - [0-9][0-9.]*" /var/log/amazon/ssm/amazon-ssm-agent.log 2>/dev/null | tail -n 1)',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion
  'echo "ecsdiag:version=${v##* }"',
  'exit 0',
].join('\n');

/** Parses the probe's output. */
export function parseProbe(stdout: string): TaskProbe {
  const config = /ecsdiag:config=(.*)/.exec(stdout)?.[1]?.replace(/\r/g, '').trim();
  const version = /ecsdiag:version=([0-9][0-9.]*)/.exec(stdout)?.[1];
  let limit = DEFAULT_SESSION_LIMIT;
  if (config) {
    try {
      const n = (JSON.parse(config) as { Mgs?: { SessionWorkersLimit?: unknown } }).Mgs?.SessionWorkersLimit;
      if (typeof n === 'number' && Number.isInteger(n) && n > 0) limit = n;
    } catch {
      // unreadable config: the default
    }
  }
  return { sessionLimit: limit, ...(version ? { agentVersion: version } : {}) };
}

/** Probes each task (one short session each, in parallel). */
export async function probeTasks(
  tasks: readonly ResolvedTask[],
  exec: ExecPort,
  signal: AbortSignal,
): Promise<{ planTasks: PlanTask[]; agentVersions: Record<string, string> }> {
  const probes = await Promise.all(
    tasks.map((t) => exec.exec(t, PROBE_SCRIPT, signal).then((r) => parseProbe(r.stdout))),
  );
  const agentVersions: Record<string, string> = {};
  const planTasks = tasks.map((t, i) => {
    const p = probes[i] as TaskProbe;
    if (p.agentVersion) agentVersions['amazon-ssm-agent'] = p.agentVersion;
    return { task: t.task, container: t.container, sessionLimit: p.sessionLimit };
  });
  return { planTasks, agentVersions };
}

/** Runs an AWS call, turning the errors a user can fix into coded errors. */
async function aws<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    const name = (err as { name?: string }).name ?? '';
    const message = (err as Error).message;
    if (name === 'ClusterNotFoundException') {
      throw new DiagError('AWS_CLUSTER_NOT_FOUND', `cluster not found: ${message}`, {
        source: 'user',
        cause: err,
      });
    }
    if (name === 'AccessDeniedException' || name === 'AccessDenied') {
      throw new DiagError('AWS_ACCESS_DENIED', `access denied: ${message}`, { cause: err });
    }
    if (
      name === 'CredentialsProviderError' ||
      name === 'ExpiredTokenException' ||
      name === 'UnrecognizedClientException'
    ) {
      throw new DiagError('AWS_CREDENTIALS', `no usable AWS credentials: ${message}`, {
        cause: err,
        hint: 'set AWS_PROFILE (or --profile) or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or use --target local',
      });
    }
    const code = (err as { code?: string }).code;
    if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ETIMEDOUT' || code === 'ECONNRESET') {
      throw new DiagError('AWS_NETWORK', `cannot reach the ECS endpoint: ${message}`, { cause: err });
    }
    if (name === 'InvalidParameterException') {
      throw new DiagError('AWS_INVALID_PARAMETER', message, { source: 'user', cause: err });
    }
    throw err;
  }
}

/**
 * The one task a single-container command (exec, collect-logs, job) works on: the one named, or
 * the cluster's only running task. Several running tasks and none named is bad input.
 */
export async function resolveOneTask(
  ecs: EcsApi,
  sel: {
    readonly cluster: string;
    readonly task?: string | undefined;
    readonly container?: string | undefined;
  },
): Promise<ResolvedTask> {
  const tasks = await resolveTasks(ecs, {
    cluster: sel.cluster,
    tasks: sel.task ? [sel.task] : [],
    ...(sel.container ? { container: sel.container } : {}),
  });
  const [first] = tasks;
  if (!first || tasks.length > 1) {
    throw new DiagError(
      'CLI_BAD_ARGUMENT',
      `cluster ${sel.cluster} has ${tasks.length} running tasks: name one with --task`,
      {
        hint: `list them with: aws ecs list-tasks --cluster ${sel.cluster}`,
      },
    );
  }
  return first;
}
