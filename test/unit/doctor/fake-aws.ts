/**
 * In-memory fakes of the AWS reads doctor makes, over one mutable `FakeWorld`.
 * A healthy Fargate task by default; each test breaks one thing.
 */
import type * as ec2 from '@aws-sdk/client-ec2';
import type * as ecs from '@aws-sdk/client-ecs';
import type { DoctorApis, DoctorEnv, ExecProbe } from '../../../src/scenarios/doctor/types.js';
import { ManualClock } from '../../helpers/manual-clock.js';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
export const CLUSTER = 'demo';
export const TASK_ID = '0f3d2c1b0a9e48d7b6c5a4f3e2d1c0b9';
export const TASK_ARN = `arn:aws:ecs:${REGION}:${ACCOUNT}:task/${CLUSTER}/${TASK_ID}`;
export const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/app-task-role`;
export const CALLER_ARN = `arn:aws:iam::${ACCOUNT}:user/alice`;

/** An SDK-shaped error. */
export function awsError(name: string, message = name, status = 400): Error {
  return Object.assign(new Error(message), {
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
  });
}

/** Everything the fakes answer from. */
export interface FakeWorld {
  callerArn: string;
  tasks: ecs.Task[];
  cluster: ecs.Cluster | undefined;
  taskDefinition: ecs.TaskDefinition;
  containerInstance?: ecs.ContainerInstance;
  /** `principal action` pairs denied (implicitDeny), or `principal action explicit`. */
  denied: Set<string>;
  /** API names that throw AccessDenied (e.g. `iam:SimulatePrincipalPolicy`). */
  forbiddenApis: Set<string>;
  subnets: Array<{ SubnetId: string; VpcId: string; OwnerId: string }>;
  endpoints: Array<{
    VpcEndpointId: string;
    VpcId: string;
    ServiceName: string;
    State?: string;
    PrivateDnsEnabled?: boolean;
    VpcEndpointType?: string;
  }>;
  keys: Array<{ KeyId: string; Arn: string; KeyState: string }>;
  logGroups: Array<{ logGroupName: string; kmsKeyId?: string }>;
  activeSessions: Array<{ Target: string }>;
  instances: Array<{ InstanceId: string; profileArn?: string }>;
  instanceProfiles: Record<string, string>;
  calls: string[];
}

/** A healthy one-container Fargate task. */
export function healthyWorld(): FakeWorld {
  return {
    callerArn: CALLER_ARN,
    tasks: [
      {
        taskArn: TASK_ARN,
        clusterArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/${CLUSTER}`,
        taskDefinitionArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/app:1`,
        lastStatus: 'RUNNING',
        desiredStatus: 'RUNNING',
        launchType: 'FARGATE',
        platformVersion: '1.4.0',
        platformFamily: 'Linux',
        enableExecuteCommand: true,
        attachments: [
          { type: 'ElasticNetworkInterface', details: [{ name: 'subnetId', value: 'subnet-1' }] },
        ],
        containers: [
          {
            name: 'app',
            runtimeId: `${TASK_ID}-1111`,
            lastStatus: 'RUNNING',
            managedAgents: [{ name: 'ExecuteCommandAgent', lastStatus: 'RUNNING' }],
          },
        ],
      },
    ],
    cluster: { clusterName: CLUSTER, configuration: { executeCommandConfiguration: { logging: 'DEFAULT' } } },
    taskDefinition: {
      family: 'app',
      revision: 1,
      taskRoleArn: ROLE_ARN,
      containerDefinitions: [{ name: 'app', linuxParameters: { initProcessEnabled: true } }],
    },
    denied: new Set([`${CALLER_ARN} ssm:StartSession`]),
    forbiddenApis: new Set(),
    subnets: [{ SubnetId: 'subnet-1', VpcId: 'vpc-1', OwnerId: ACCOUNT }],
    endpoints: [],
    keys: [],
    logGroups: [],
    activeSessions: [],
    instances: [],
    instanceProfiles: {},
    calls: [],
  };
}

/** The fakes, as DoctorApis. */
export function fakeApis(w: FakeWorld): DoctorApis {
  const call = async <T>(api: string, fn: () => T): Promise<T> => {
    w.calls.push(api);
    if (w.forbiddenApis.has(api))
      throw awsError('AccessDeniedException', `not authorized to perform: ${api}`);
    return fn();
  };
  const meta = { $metadata: {} };
  return {
    ecs: {
      describeTasks: (i) =>
        call('ecs:DescribeTasks', () => {
          if (i.cluster !== CLUSTER) throw awsError('ClusterNotFoundException', 'Cluster not found.');
          const id = (i.tasks?.[0] ?? '').split('/').pop();
          const t = w.tasks.find((x) => x.taskArn?.endsWith(`/${id}`));
          return t
            ? { ...meta, tasks: [t], failures: [] }
            : { ...meta, tasks: [], failures: [{ reason: 'MISSING' }] };
        }),
      describeClusters: () =>
        call('ecs:DescribeClusters', () => ({ ...meta, clusters: w.cluster ? [w.cluster] : [] })),
      describeTaskDefinition: () =>
        call('ecs:DescribeTaskDefinition', () => ({ ...meta, taskDefinition: w.taskDefinition })),
      listTasks: (i) =>
        call('ecs:ListTasks', () => ({
          ...meta,
          taskArns: w.tasks
            .filter((t) => i.serviceName === undefined || t.group === `service:${i.serviceName}`)
            .map((t) => t.taskArn ?? ''),
        })),
    },
    containerInstances: {
      describeContainerInstances: () =>
        call('ecs:DescribeContainerInstances', () => ({
          ...meta,
          containerInstances: w.containerInstance ? [w.containerInstance] : [],
        })),
    },
    ssm: {
      describeSessions: (i) =>
        call('ssm:DescribeSessions', () => {
          const target = i.Filters?.find((f) => f.key === 'Target')?.value;
          return { ...meta, Sessions: w.activeSessions.filter((s) => s.Target === target) };
        }),
    },
    sts: {
      getCallerIdentity: () =>
        call('sts:GetCallerIdentity', () => ({
          ...meta,
          Arn: w.callerArn,
          Account: ACCOUNT,
          UserId: 'AIDA',
        })),
    },
    iam: {
      simulatePrincipalPolicy: (i) =>
        call('iam:SimulatePrincipalPolicy', () => ({
          ...meta,
          EvaluationResults: (i.ActionNames ?? []).map((a) => ({
            EvalActionName: a,
            EvalResourceName: i.ResourceArns?.[0],
            EvalDecision: w.denied.has(`${i.PolicySourceArn} ${a} explicit`)
              ? 'explicitDeny'
              : w.denied.has(`${i.PolicySourceArn} ${a}`)
                ? 'implicitDeny'
                : 'allowed',
          })),
        })),
      getRole: (i) =>
        call('iam:GetRole', () => ({
          ...meta,
          Role: {
            RoleName: i.RoleName,
            Arn: `arn:aws:iam::${ACCOUNT}:role/path/${i.RoleName}`,
            Path: '/path/',
            RoleId: 'AROA',
            CreateDate: new Date(0),
          },
        })),
      getInstanceProfile: (i) =>
        call('iam:GetInstanceProfile', () => ({
          ...meta,
          InstanceProfile: {
            InstanceProfileName: i.InstanceProfileName,
            InstanceProfileId: 'AIPA',
            Arn: `arn:aws:iam::${ACCOUNT}:instance-profile/${i.InstanceProfileName}`,
            Path: '/',
            CreateDate: new Date(0),
            Roles: [
              {
                RoleName: 'r',
                Arn: w.instanceProfiles[i.InstanceProfileName ?? ''] ?? '',
                Path: '/',
                RoleId: 'x',
                CreateDate: new Date(0),
              },
            ],
          },
        })),
    },
    ec2: {
      describeSubnets: (i) =>
        call('ec2:DescribeSubnets', () => ({
          ...meta,
          Subnets: w.subnets.filter((s) => i.SubnetIds?.includes(s.SubnetId)),
        })),
      describeVpcEndpoints: (i) =>
        call('ec2:DescribeVpcEndpoints', () => {
          const vpc = i.Filters?.find((f) => f.Name === 'vpc-id')?.Values?.[0];
          return { ...meta, VpcEndpoints: w.endpoints.filter((e) => e.VpcId === vpc) as ec2.VpcEndpoint[] };
        }),
      describeInstances: (i) =>
        call('ec2:DescribeInstances', () => ({
          ...meta,
          Reservations: [
            {
              Instances: w.instances
                .filter((x) => i.InstanceIds?.includes(x.InstanceId))
                .map((x) => ({
                  InstanceId: x.InstanceId,
                  IamInstanceProfile: x.profileArn ? { Arn: x.profileArn } : undefined,
                })),
            },
          ],
        })),
    },
    kms: {
      describeKey: (i) =>
        call('kms:DescribeKey', () => {
          const k = w.keys.find((x) => x.KeyId === i.KeyId || x.Arn === i.KeyId);
          if (!k) throw awsError('NotFoundException', `Key '${i.KeyId}' does not exist`);
          return { ...meta, KeyMetadata: { KeyId: k.KeyId, Arn: k.Arn, KeyState: k.KeyState as 'Enabled' } };
        }),
    },
    logs: {
      describeLogGroups: (i) =>
        call('logs:DescribeLogGroups', () => ({
          ...meta,
          logGroups: w.logGroups.filter((g) => g.logGroupName.startsWith(i.logGroupNamePrefix ?? '')),
        })),
    },
  };
}

/** A probe that echoes (or fails with `fail`). */
export function fakeProbe(
  opts: { fail?: Error; stdout?: string; endReason?: string; agentProbeStdout?: string } = {},
): ExecProbe {
  return async (_t, command) => {
    if (opts.fail) throw opts.fail;
    if (command.startsWith('sh -c ')) {
      const stdout =
        opts.agentProbeStdout ??
        'ecsdiag:config={"Mgs":{"SessionWorkersLimit":3}}\r\necsdiag:version=3.3.1802.0\r\n';
      return { stdout, exitCode: 0, endReason: 'completed', firstByteMs: 5 };
    }
    return {
      stdout: opts.stdout ?? `${command.replace(/^echo /, '')}\r\n`,
      exitCode: 0,
      endReason: opts.endReason ?? 'exited',
      firstByteMs: 12,
    };
  };
}

/** A DoctorEnv over the fakes. */
export function fakeEnv(w: FakeWorld, over: Partial<DoctorEnv> = {}): DoctorEnv {
  return {
    region: REGION,
    apis: fakeApis(w),
    clock: new ManualClock(),
    execProbe: fakeProbe(),
    marker: () => 'ECSDIAG-MARKER-1',
    signal: new AbortController().signal,
    ...over,
  };
}
