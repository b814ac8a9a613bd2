/**
 * The read phase of doctor: everything the checks look at, fetched once per task.
 *
 * A read that fails is kept as a failure (`Fetched` with `error`), so each check that needs it
 * reports `unknown` while the others still run.
 */
import type * as ecs from '@aws-sdk/client-ecs';
import { classifyError } from '../../aws/classify.js';
import { DiagError } from '../../errors.js';
import type { DoctorApis } from './types.js';

/** A read that worked, or the error it failed with and the API it called. */
export type Fetched<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly api: string; readonly error: unknown };

/** Runs a read, keeping its failure. */
export async function fetched<T>(api: string, fn: () => Promise<T>): Promise<Fetched<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (error) {
    return { ok: false, api, error };
  }
}

/** The caller, as STS says. */
export interface CallerInfo {
  readonly account: string;
  /** The identity ARN (`arn:aws:sts::…:assumed-role/R/s` for roles). */
  readonly arn: string;
  /** The ARN to simulate: the role ARN for an assumed role, else `arn`. */
  readonly principalArn: string;
}

/** Everything known about one task. */
export interface TaskContext {
  readonly region: string;
  readonly cluster: string;
  readonly task: ecs.Task;
  readonly taskId: string;
  /** From the task ARN. */
  readonly account: string;
  readonly caller: Fetched<CallerInfo>;
  readonly clusterInfo: Fetched<ecs.Cluster | undefined>;
  readonly taskDefinition: Fetched<ecs.TaskDefinition | undefined>;
  /** Only for tasks on a container instance (EC2, EXTERNAL). */
  readonly containerInstance: Fetched<ecs.ContainerInstance | undefined> | undefined;
}

/** `arn:aws:sts::123:assumed-role/Path/Name/session` → `arn:aws:iam::123:role/Name` (path unknown). */
export function roleArnFromAssumedRole(arn: string): string | undefined {
  const m = /^arn:([^:]+):sts::(\d+):assumed-role\/(.+)\/[^/]+$/.exec(arn);
  if (!m) return undefined;
  const name = (m[3] ?? '').split('/').pop() ?? '';
  return `arn:${m[1]}:iam::${m[2]}:role/${name}`;
}

/**
 * Reads the caller. An assumed-role ARN is mapped to its role ARN, with the path from
 * iam:GetRole when allowed (the checker uses iam:ListRoles for the same purpose).
 */
export async function loadCaller(apis: DoctorApis): Promise<CallerInfo> {
  const id = await apis.sts.getCallerIdentity({});
  const arn = id.Arn ?? '';
  const account = id.Account ?? '';
  const roleArn = roleArnFromAssumedRole(arn);
  if (roleArn === undefined) return { account, arn, principalArn: arn };
  const roleName = roleArn.split('/').pop() ?? '';
  try {
    const role = await apis.iam.getRole({ RoleName: roleName });
    return { account, arn, principalArn: role.Role?.Arn ?? roleArn };
  } catch {
    return { account, arn, principalArn: roleArn };
  }
}

/** The task id from a task id or ARN. */
export function taskIdOf(task: string): string {
  return task.split('/').pop() ?? task;
}

/** The account id of an ARN. */
export function accountOf(arn: string | undefined): string {
  return arn?.split(':')[4] ?? '';
}

/**
 * Describes the task. Throws DiagError for a missing cluster (AWS_CLUSTER_NOT_FOUND) or task
 * (AWS_TASK_NOT_FOUND), both `source: 'user'` (exit 2): there is nothing to diagnose.
 */
export async function loadTask(apis: DoctorApis, cluster: string, task: string): Promise<ecs.Task> {
  let out: ecs.DescribeTasksCommandOutput;
  try {
    out = await apis.ecs.describeTasks({ cluster, tasks: [task], include: ['TAGS'] });
  } catch (err) {
    const c = classifyError(err);
    if (c.name === 'ClusterNotFoundException') {
      throw new DiagError('AWS_CLUSTER_NOT_FOUND', `cluster ${cluster} not found`, {
        source: 'user',
        cause: err,
      });
    }
    throw environmentError('ecs:DescribeTasks', err);
  }
  const found = out.tasks?.[0];
  if (!found?.taskDefinitionArn) {
    const reason = out.failures?.[0]?.reason ?? 'MISSING';
    throw new DiagError('AWS_TASK_NOT_FOUND', `task ${task} not found in cluster ${cluster} (${reason})`, {
      source: 'user',
      hint: 'stopped tasks disappear from DescribeTasks about an hour after they stop',
    });
  }
  return found;
}

/** Reads the cluster, task definition and container instance of a described task. */
export async function loadTaskContext(
  apis: DoctorApis,
  region: string,
  cluster: string,
  task: ecs.Task,
  caller: Fetched<CallerInfo>,
): Promise<TaskContext> {
  const [clusterInfo, taskDefinition, containerInstance] = await Promise.all([
    fetched('ecs:DescribeClusters', async () => {
      const out = await apis.ecs.describeClusters({ clusters: [cluster], include: ['CONFIGURATIONS'] });
      return out.clusters?.[0];
    }),
    fetched('ecs:DescribeTaskDefinition', async () => {
      const out = await apis.ecs.describeTaskDefinition({ taskDefinition: task.taskDefinitionArn ?? '' });
      return out.taskDefinition;
    }),
    task.containerInstanceArn
      ? fetched('ecs:DescribeContainerInstances', async () => {
          const out = await apis.containerInstances.describeContainerInstances({
            cluster,
            containerInstances: [task.containerInstanceArn ?? ''],
          });
          return out.containerInstances?.[0];
        })
      : Promise.resolve(undefined),
  ]);
  return {
    region,
    cluster,
    task,
    taskId: taskIdOf(task.taskArn ?? ''),
    account: accountOf(task.taskArn),
    caller,
    clusterInfo,
    taskDefinition,
    containerInstance,
  };
}

/** The cluster's exec configuration, when the cluster was read. */
export function execConfigOf(ctx: TaskContext): ecs.ExecuteCommandConfiguration | undefined {
  return ctx.clusterInfo.ok ? ctx.clusterInfo.value?.configuration?.executeCommandConfiguration : undefined;
}

/** The task ARN in the form IAM simulations use. */
export function taskArnOf(ctx: TaskContext): string {
  return ctx.task.taskArn ?? `arn:aws:ecs:${ctx.region}:${ctx.account}:task/${ctx.cluster}/${ctx.taskId}`;
}

/**
 * A read doctor cannot do without (DescribeTasks, ListTasks) failed: the environment's fault
 * (exit 3), coded by category.
 */
export function environmentError(api: string, err: unknown): DiagError {
  const c = classifyError(err);
  const code =
    c.category === 'access-denied'
      ? 'AWS_ACCESS_DENIED'
      : c.category === 'credentials'
        ? 'AWS_CREDENTIALS'
        : c.category === 'network'
          ? 'AWS_NETWORK'
          : c.category === 'throttling'
            ? 'AWS_THROTTLED'
            : 'AWS_SERVICE_ERROR';
  return new DiagError(code, `${api} failed: ${c.name ?? 'Error'}: ${c.message}`, {
    source: 'environment',
    cause: err,
    ...(c.category === 'access-denied' ? { hint: `doctor needs ${api} on the cluster's tasks` } : {}),
  });
}
