/**
 * The ECS control plane (awsJson1_1, `AmazonEC2ContainerServiceV20141113.*`, scope `ecs`).
 * @see /work/shared/docs/aws-api.md §2
 */
import { executeCommand } from './ecs-exec.js';
import {
  clusterName,
  clusterShape,
  ECS_TEXT,
  ecsArn,
  ecsError,
  findCluster,
  findTask,
  findTaskDefinition,
  taskDefinitionShape,
  taskIdOf,
  taskShape,
} from './ecs-shapes.js';
import { launchTask, newTaskRecord, stopTask } from './ecs-tasks.js';
import { jsonResponse } from './http/aws-error.js';
import { ECS_VALIDATION, Input, paginate } from './http/input.js';
import type { ServiceModule, ServiceRequest, ServiceResponse } from './service-module.js';
import type { ClusterRecord, TaskDefinitionRecord } from './state/world-state.js';
import type { EmulatorWorld } from './world.js';

type Handler = (req: ServiceRequest, w: EmulatorWorld) => Promise<ServiceResponse>;

const badToken = () => ecsError('InvalidParameterException', 'Invalid nextToken');

/** Creates (or returns the existing ACTIVE) cluster. */
function createCluster(req: ServiceRequest, w: EmulatorWorld): Promise<ServiceResponse> {
  const input = new Input(req.input, ECS_VALIDATION);
  const name = input.optString('clusterName') ?? 'default';
  if (!/^[a-zA-Z0-9_-]{1,255}$/.test(name)) {
    throw ecsError(
      'InvalidParameterException',
      'Cluster name can have up to 255 characters, and can contain letters (uppercase and lowercase), numbers, underscores, and hyphens.',
    );
  }
  let cluster = w.state.clusters.find((c) => c.name === name && c.status === 'ACTIVE');
  if (!cluster) {
    const configuration = input.optObject('configuration');
    validateExecConfiguration(configuration);
    const settings = input.optObjects('settings') as ClusterRecord['settings'];
    const tags = input.optObjects('tags') as ClusterRecord['tags'];
    cluster = {
      name,
      arn: ecsArn(w, `cluster/${name}`),
      status: 'ACTIVE',
      createdAt: w.clock.now(),
      ...(configuration ? { configuration } : {}),
      ...(settings ? { settings } : {}),
      ...(tags ? { tags } : {}),
    };
    w.state.clusters.push(cluster);
    w.changed();
  }
  return Promise.resolve(
    jsonResponse({ cluster: clusterShape(w, cluster, ['CONFIGURATIONS', 'SETTINGS', 'TAGS']) }),
  );
}

function validateExecConfiguration(configuration: Record<string, unknown> | undefined): void {
  const exec = configuration?.['executeCommandConfiguration'] as Record<string, unknown> | undefined;
  if (!exec) return;
  const logging = exec['logging'];
  if (logging !== undefined && logging !== 'NONE' && logging !== 'DEFAULT' && logging !== 'OVERRIDE') {
    throw ecsError('InvalidParameterException', `Invalid logging value: ${String(logging)}`);
  }
  if (logging === 'OVERRIDE' && !exec['logConfiguration']) {
    // Emulator text: the model says logConfiguration is required with OVERRIDE.
    throw ecsError(
      'InvalidParameterException',
      'logConfiguration is required when logging is set to OVERRIDE.',
    );
  }
}

/** UpdateCluster: replaces `settings` and/or `configuration` (how exec logging/KMS get set). */
function updateCluster(req: ServiceRequest, w: EmulatorWorld): Promise<ServiceResponse> {
  const input = new Input(req.input, ECS_VALIDATION);
  const cluster = findCluster(w, input.string('cluster'));
  const configuration = input.optObject('configuration');
  const settings = input.optObjects('settings') as ClusterRecord['settings'];
  validateExecConfiguration(configuration);
  if (configuration) cluster.configuration = configuration;
  if (settings) cluster.settings = settings;
  w.changed();
  return Promise.resolve(
    jsonResponse({ cluster: clusterShape(w, cluster, ['CONFIGURATIONS', 'SETTINGS', 'TAGS']) }),
  );
}

function describeClusters(req: ServiceRequest, w: EmulatorWorld): Promise<ServiceResponse> {
  const input = new Input(req.input, ECS_VALIDATION);
  const refs = input.optStrings('clusters') ?? ['default'];
  const include = input.optStrings('include') ?? [];
  const clusters: unknown[] = [];
  const failures: unknown[] = [];
  for (const ref of refs) {
    const c = w.state.clusters.find((x) => x.name === clusterName(ref) && x.status === 'ACTIVE');
    if (c) clusters.push(clusterShape(w, c, include));
    else failures.push({ arn: ecsArn(w, `cluster/${clusterName(ref)}`), reason: 'MISSING' });
  }
  return Promise.resolve(jsonResponse({ clusters, failures }));
}

/** One page of a List* answer (`maxResults` 1-100, default 100, `nextToken`), in ECS's shape. */
function arnPage(
  key: 'clusterArns' | 'taskArns',
  arns: readonly string[],
  input: Input,
): Promise<ServiceResponse> {
  const { page, nextToken } = paginate(
    arns,
    input.optInt('maxResults', 1, 100),
    input.optString('nextToken'),
    100,
    badToken,
  );
  return Promise.resolve(jsonResponse({ [key]: page, ...(nextToken ? { nextToken } : {}) }));
}

function listClusters(req: ServiceRequest, w: EmulatorWorld): Promise<ServiceResponse> {
  const input = new Input(req.input, ECS_VALIDATION);
  const arns = w.state.clusters.filter((c) => c.status === 'ACTIVE').map((c) => c.arn);
  return arnPage('clusterArns', arns, input);
}

function registerTaskDefinition(req: ServiceRequest, w: EmulatorWorld): Promise<ServiceResponse> {
  const input = new Input(req.input, ECS_VALIDATION);
  const family = input.string('family');
  if (!/^[a-zA-Z0-9_-]{1,255}$/.test(family)) {
    throw ecsError('ClientException', 'Family contains invalid characters.');
  }
  const cds = input.optObjects('containerDefinitions');
  if (!cds || cds.length === 0) {
    throw ecsError('ClientException', 'Container list cannot be empty.');
  }
  for (const cd of cds) {
    if (typeof cd['name'] !== 'string' || cd['name'] === '')
      throw ecsError('ClientException', 'Container.name should not be null or empty.');
    if (typeof cd['image'] !== 'string' || cd['image'] === '')
      throw ecsError('ClientException', 'Container.image should not be null or empty.');
  }
  const revision =
    Math.max(0, ...w.state.taskDefinitions.filter((d) => d.family === family).map((d) => d.revision)) + 1;
  const def: TaskDefinitionRecord = {
    family,
    revision,
    arn: ecsArn(w, `task-definition/${family}:${revision}`),
    status: 'ACTIVE',
    registeredAt: w.clock.now(),
    body: { ...req.input },
  };
  w.state.taskDefinitions.push(def);
  w.changed();
  const tags = input.optObjects('tags') ?? [];
  return Promise.resolve(jsonResponse({ taskDefinition: taskDefinitionShape(w, def), tags }));
}

function describeTaskDefinition(req: ServiceRequest, w: EmulatorWorld): Promise<ServiceResponse> {
  const input = new Input(req.input, ECS_VALIDATION);
  const def = findTaskDefinition(w, input.string('taskDefinition'));
  if (!def) throw ecsError('ClientException', ECS_TEXT.taskDefinitionNotFound);
  const include = input.optStrings('include') ?? [];
  const tags = (def.body['tags'] as unknown[] | undefined) ?? [];
  return Promise.resolve(
    jsonResponse({
      taskDefinition: taskDefinitionShape(w, def),
      ...(include.includes('TAGS') ? { tags } : {}),
    }),
  );
}

async function runTask(req: ServiceRequest, w: EmulatorWorld): Promise<ServiceResponse> {
  const input = new Input(req.input, ECS_VALIDATION);
  const defRef = input.string('taskDefinition');
  const cluster = findCluster(w, input.optString('cluster'));
  const count = input.optInt('count', 1, 10) ?? 1;
  const def = findTaskDefinition(w, defRef);
  if (def?.status !== 'ACTIVE') {
    throw ecsError('InvalidParameterException', 'TaskDefinition not found.');
  }
  const overrides = input.optObject('overrides') ?? {};
  const cds = (def.body['containerDefinitions'] as Array<Record<string, unknown>>) ?? [];
  for (const o of (overrides['containerOverrides'] as Array<Record<string, unknown>> | undefined) ?? []) {
    if (!cds.some((cd) => cd['name'] === o['name'])) {
      throw ecsError(
        'InvalidParameterException',
        `Override for container named ${String(o['name'])} is not a container in the TaskDefinition.`,
      );
    }
  }
  const launchType = input.optString('launchType');
  const platformVersion = input.optString('platformVersion');
  const startedBy = input.optString('startedBy');
  const group = input.optString('group');
  const tags = input.optObjects('tags') as Array<{ key: string; value: string }> | undefined;
  const tasks = [];
  for (let i = 0; i < count; i++) {
    const task = newTaskRecord(w, cluster, def, {
      enableExecuteCommand: input.optBool('enableExecuteCommand') ?? false,
      ...(launchType ? { launchType } : {}),
      ...(platformVersion ? { platformVersion } : {}),
      overrides,
      ...(startedBy ? { startedBy } : {}),
      ...(group ? { group } : {}),
      ...(tags ? { tags } : {}),
    });
    w.state.tasks.push(task);
    await launchTask(w, task);
    tasks.push(taskShape(w, task));
  }
  return jsonResponse({ tasks, failures: [] });
}

async function stopTaskOp(req: ServiceRequest, w: EmulatorWorld): Promise<ServiceResponse> {
  const input = new Input(req.input, ECS_VALIDATION);
  const ref = input.string('task');
  const cluster = findCluster(w, input.optString('cluster'));
  const task = findTask(w, cluster, ref);
  if (!task) throw ecsError('InvalidParameterException', ECS_TEXT.taskNotFound);
  await stopTask(w, task, input.optString('reason') ?? 'Task stopped by user', 'UserInitiated');
  return jsonResponse({ task: taskShape(w, task) });
}

function listTasks(req: ServiceRequest, w: EmulatorWorld): Promise<ServiceResponse> {
  const input = new Input(req.input, ECS_VALIDATION);
  const cluster = findCluster(w, input.optString('cluster'));
  const family = input.optString('family');
  const startedBy = input.optString('startedBy');
  const desired = input.optString('desiredStatus') ?? 'RUNNING';
  const launchType = input.optString('launchType');
  const serviceName = input.optString('serviceName');
  const arns = w.state.tasks
    .filter((t) => t.clusterName === cluster.name)
    .filter((t) => t.desiredStatus === desired)
    .filter((t) => family === undefined || t.taskDefinitionArn.includes(`:task-definition/${family}:`))
    .filter((t) => startedBy === undefined || t.startedBy === startedBy)
    .filter((t) => launchType === undefined || t.launchType === launchType)
    .filter(() => serviceName === undefined) // the emulator has no services
    .map((t) => t.arn);
  return arnPage('taskArns', arns, input);
}

function describeTasks(req: ServiceRequest, w: EmulatorWorld): Promise<ServiceResponse> {
  const input = new Input(req.input, ECS_VALIDATION);
  const refs = input.optStrings('tasks');
  if (!refs || refs.length === 0) throw ecsError('InvalidParameterException', ECS_TEXT.tasksEmpty);
  if (refs.length > 100)
    throw ecsError('InvalidParameterException', 'Tasks cannot have more than 100 elements.');
  const cluster = findCluster(w, input.optString('cluster'));
  const include = input.optStrings('include') ?? [];
  const tasks: unknown[] = [];
  const failures: unknown[] = [];
  for (const ref of refs) {
    const t = findTask(w, cluster, ref);
    if (t) tasks.push(taskShape(w, t, include));
    else
      failures.push({
        arn: ref.startsWith('arn:') ? ref : ecsArn(w, `task/${cluster.name}/${taskIdOf(ref)}`),
        reason: 'MISSING',
      });
  }
  return Promise.resolve(jsonResponse({ tasks, failures }));
}

const HANDLERS: Readonly<Record<string, Handler>> = {
  CreateCluster: createCluster,
  UpdateCluster: updateCluster,
  DescribeClusters: describeClusters,
  ListClusters: listClusters,
  RegisterTaskDefinition: registerTaskDefinition,
  DescribeTaskDefinition: describeTaskDefinition,
  RunTask: runTask,
  StopTask: stopTaskOp,
  ListTasks: listTasks,
  DescribeTasks: describeTasks,
  ExecuteCommand: executeCommand,
};

/** The ECS service module. */
export const ecsModule: ServiceModule<EmulatorWorld> = {
  service: 'ecs',
  protocol: 'json',
  handle(req, world) {
    const h = HANDLERS[req.operation];
    return h ? h(req, world) : Promise.resolve(undefined);
  },
};
