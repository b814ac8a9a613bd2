/**
 * `ecs-diag doctor`: resolves the tasks to check, runs every check group on each task within a
 * concurrency bound, and returns one {@link DoctorReport}. Findings are data; the only throws are
 * bad input (no such cluster/task: exit 2) and the environment failing as a whole.
 *
 *   resolve targets ──► caller (once) ──► per task, at most `concurrency` at a time:
 *     DescribeTasks → cluster / task definition / container instance (parallel reads)
 *       → cluster, caller, role, network, task, container checks (parallel)
 *       → session limit → real exec attempt (sequential, last: it opens a session)
 */
import type * as ecs from '@aws-sdk/client-ecs';
import { classifyError } from '../../aws/classify.js';
import { DiagError, isDiagError } from '../../errors.js';
import { callerChecks, clientChecks } from './caller-checks.js';
import { countStatuses, guard, result } from './check.js';
import { clusterChecks } from './cluster-checks.js';
import { containerChecks } from './container-checks.js';
import {
  type CallerInfo,
  environmentError,
  type Fetched,
  fetched,
  loadCaller,
  loadTask,
  loadTaskContext,
} from './context.js';
import { execAttemptChecks, SESSION_LIMIT, sessionLimitCheck } from './exec-checks.js';
import { networkChecks } from './network-checks.js';
import { mapBounded } from './pool.js';
import { roleChecks } from './role-checks.js';
import { TASK_STATUS, taskChecks } from './task-checks.js';
import {
  type CheckResult,
  DOCTOR_SCHEMA_VERSION,
  type DoctorEnv,
  type DoctorReport,
  type TaskReport,
} from './types.js';

/** Which tasks to check. */
export type DoctorSelection =
  | { readonly kind: 'tasks'; readonly cluster: string; readonly tasks: readonly string[] }
  | { readonly kind: 'service'; readonly cluster: string; readonly service: string }
  | { readonly kind: 'all-tasks'; readonly cluster: string };

/** Options of {@link runDoctor}. */
export interface DoctorOptions {
  readonly selection: DoctorSelection;
  /** Tasks checked at the same time. @default 4 */
  readonly concurrency?: number;
}

/** Runs doctor. */
export async function runDoctor(env: DoctorEnv, options: DoctorOptions): Promise<DoctorReport> {
  const started = env.clock.now();
  const caller = await fetched('sts:GetCallerIdentity', () => loadCaller(env.apis));
  const globalChecks = await clientChecks(env, caller);
  const { selection } = options;
  const explicit = selection.kind === 'tasks';
  const tasks = explicit ? selection.tasks : await listTasks(env, selection);
  const targets = await mapBounded(tasks, options.concurrency ?? 4, env.signal, (task) =>
    doctorTask(env, selection.cluster, task, caller, explicit),
  );
  const all = [...globalChecks, ...targets.flatMap((t) => t.checks)];
  return {
    schemaVersion: DOCTOR_SCHEMA_VERSION,
    kind: 'ecs-diag.doctor',
    startedAt: new Date(started).toISOString(),
    durationMs: env.clock.now() - started,
    region: env.region,
    checks: globalChecks,
    targets,
    summary: { ...countStatuses(all), tasks: targets.length },
  };
}

/** True when any check of the report is red (exit 1). */
export function hasRed(report: DoctorReport): boolean {
  return report.summary.red > 0;
}

async function listTasks(env: DoctorEnv, selection: DoctorSelection): Promise<string[]> {
  const arns: string[] = [];
  let token: string | undefined;
  do {
    let out: ecs.ListTasksCommandOutput;
    try {
      out = await env.apis.ecs.listTasks({
        cluster: selection.cluster,
        ...(selection.kind === 'service' ? { serviceName: selection.service } : {}),
        ...(token ? { nextToken: token } : {}),
      });
    } catch (err) {
      if (classifyError(err).name === 'ClusterNotFoundException') {
        throw new DiagError('AWS_CLUSTER_NOT_FOUND', `cluster ${selection.cluster} not found`, {
          source: 'user',
        });
      }
      if (selection.kind === 'service' && classifyError(err).name === 'ServiceNotFoundException') {
        throw new DiagError(
          'CLI_NOT_FOUND',
          `service ${selection.service} not found in ${selection.cluster}`,
        );
      }
      throw environmentError('ecs:ListTasks', err);
    }
    arns.push(...(out.taskArns ?? []));
    token = out.nextToken;
  } while (token);
  return arns;
}

/** All checks of one task. */
export async function doctorTask(
  env: DoctorEnv,
  cluster: string,
  task: string,
  caller: Fetched<CallerInfo>,
  explicit = true,
): Promise<TaskReport> {
  let described: ecs.Task;
  try {
    described = await loadTask(env.apis, cluster, task);
  } catch (err) {
    // A listed task that stopped and vanished meanwhile is a finding; an explicit one is bad input.
    if (explicit || !isDiagError(err) || err.code !== 'AWS_TASK_NOT_FOUND') throw err;
    const gone = result(TASK_STATUS, 'red', 'the task disappeared while doctor ran');
    return { cluster, task, checks: [gone], summary: countStatuses([gone]) };
  }
  const ctx = await loadTaskContext(env.apis, env.region, cluster, described, caller);
  env.log?.emit({
    time: env.clock.now(),
    level: 'info',
    code: 'DOCTOR_I0001',
    message: `checking task ${ctx.taskId} in ${cluster}`,
    data: { cluster, task: ctx.taskId },
  });
  const clusterPart = await clusterChecks(env, ctx);
  const groups = await Promise.all([
    guard(TASK_STATUS, async () => taskChecks(ctx)),
    Promise.resolve(clusterPart.checks),
    guard({ id: 'caller.checks', title: 'Caller permissions', ref: 'checker 3.2' }, () =>
      callerChecks(env, ctx, clusterPart.keyArn),
    ),
    guard({ id: 'task-role.checks', title: 'Task role', ref: 'checker 3.9' }, () =>
      roleChecks(env, ctx, clusterPart.keyArn),
    ),
    guard({ id: 'network.checks', title: 'VPC endpoints', ref: 'checker 3.10' }, () =>
      networkChecks(env, ctx),
    ),
    guard({ id: 'container.checks', title: 'Containers', ref: 'checker 3.6-3.11' }, async () =>
      containerChecks(ctx),
    ),
  ]);
  // The limit first: the attempt itself opens a session.
  const limit = await guard(SESSION_LIMIT, async () => sessionLimitCheck(env, ctx));
  const attempts = await guard({ id: 'exec.attempt', title: 'Real exec attempt', ref: 'ecs-diag' }, () =>
    execAttemptChecks(env, ctx),
  );
  const checks: CheckResult[] = [...groups.flat(), ...limit, ...attempts];
  return {
    cluster,
    task,
    ...(described.taskArn ? { taskArn: described.taskArn } : {}),
    checks,
    summary: countStatuses(checks),
  };
}
