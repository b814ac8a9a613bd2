/**
 * The task role (or, on EC2 without one, the instance role) and its permissions for the SSM
 * channels, the KMS key and the audit-log destinations.
 *
 * @see /work/shared/docs/prior-art.md §(b) 3.9; aws-api.md §5.1
 */
import { type CheckDef, result, unknownFrom } from './check.js';
import { execConfigOf, type TaskContext } from './context.js';
import { simulationCheck } from './simulate.js';
import type { CheckResult, DoctorEnv } from './types.js';

export const ROLE_CONFIGURED: CheckDef = {
  id: 'task-role.configured',
  title: 'Task role',
  ref: 'checker 3.9',
};
export const ROLE_SSMMESSAGES: CheckDef = {
  id: 'task-role.ssmmessages',
  title: 'Task role may open the SSM channels',
  ref: 'checker 3.9',
};
export const ROLE_KMS: CheckDef = {
  id: 'task-role.kms-decrypt',
  title: 'Task role may run kms:Decrypt',
  ref: 'checker 3.9',
};
export const ROLE_S3: CheckDef = {
  id: 'task-role.s3-logging',
  title: 'Task role may write S3 session logs',
  ref: 'checker 3.9',
};
export const ROLE_LOGS: CheckDef = {
  id: 'task-role.cloudwatch-logging',
  title: 'Task role may write CloudWatch session logs',
  ref: 'checker 3.9',
};

/** The four actions every exec-able task role needs. */
export const SSMMESSAGES_ACTIONS: readonly string[] = [
  'ssmmessages:CreateControlChannel',
  'ssmmessages:CreateDataChannel',
  'ssmmessages:OpenControlChannel',
  'ssmmessages:OpenDataChannel',
];

interface ResolvedRole {
  readonly arn: string;
  readonly source: 'override' | 'task-definition' | 'instance-profile';
}

/** Runs the role checks. `keyArn` is the resolved exec KMS key. */
export async function roleChecks(
  env: DoctorEnv,
  ctx: TaskContext,
  keyArn: string | undefined,
): Promise<CheckResult[]> {
  let role: ResolvedRole | undefined;
  try {
    role = await resolveRole(env, ctx);
  } catch (err) {
    return [unknownFrom(ROLE_CONFIGURED, 'ec2:DescribeInstances/iam:GetInstanceProfile', err)];
  }
  if (role === undefined) {
    if (!ctx.taskDefinition.ok)
      return [unknownFrom(ROLE_CONFIGURED, ctx.taskDefinition.api, ctx.taskDefinition.error)];
    return [
      result(ROLE_CONFIGURED, 'red', 'no task role (and no instance role)', {
        category: 'target-not-connected',
        causes: [
          'the SSM agent in the task needs a role with ssmmessages:*: set taskRoleArn on the task definition',
        ],
      }),
    ];
  }
  const checks: Array<Promise<CheckResult> | CheckResult> = [
    result(
      ROLE_CONFIGURED,
      'green',
      `${role.arn}${role.source === 'override' ? ' (overridden at run time)' : role.source === 'instance-profile' ? ' (EC2 instance role)' : ''}`,
      { evidence: { ...role } },
    ),
    simulationCheck(env.apis.iam, {
      def: ROLE_SSMMESSAGES,
      principalArn: role.arn,
      who: 'the task role',
      actions: SSMMESSAGES_ACTIONS,
      resource: '*',
      causes: [
        'without them the agent cannot reach Session Manager: ExecuteCommand fails with TargetNotConnected',
      ],
    }),
  ];
  const config = execConfigOf(ctx);
  if (config?.kmsKeyId !== undefined) {
    checks.push(
      simulationCheck(env.apis.iam, {
        def: ROLE_KMS,
        principalArn: role.arn,
        who: 'the task role',
        actions: ['kms:Decrypt'],
        resource: keyArn ?? config.kmsKeyId,
        causes: ['the agent decrypts the data channel key with kms:Decrypt on the cluster exec key'],
      }),
    );
  }
  const log = config?.logging === 'OVERRIDE' ? config.logConfiguration : undefined;
  if (log?.s3BucketName !== undefined) {
    const object = `arn:aws:s3:::${log.s3BucketName}/${log.s3KeyPrefix ? `${log.s3KeyPrefix}*` : '*'}`;
    const put = simulationCheck(env.apis.iam, {
      def: ROLE_S3,
      principalArn: role.arn,
      who: 'the task role',
      actions: ['s3:PutObject'],
      resource: object,
      causes: ['the agent uploads the transcript to S3 at session end'],
    });
    checks.push(
      log.s3EncryptionEnabled === true
        ? Promise.all([
            put,
            simulationCheck(env.apis.iam, {
              def: ROLE_S3,
              principalArn: role.arn,
              who: 'the task role',
              actions: ['s3:GetEncryptionConfiguration'],
              resource: `arn:aws:s3:::${log.s3BucketName}`,
              causes: ['with s3EncryptionEnabled the agent checks the bucket encryption first'],
            }),
          ]).then(mergeSameCheck)
        : put,
    );
  }
  if (log?.cloudWatchLogGroupName !== undefined) {
    const group = `arn:aws:logs:${ctx.region}:${ctx.account}:log-group:${log.cloudWatchLogGroupName}:*`;
    checks.push(
      Promise.all([
        simulationCheck(env.apis.iam, {
          def: ROLE_LOGS,
          principalArn: role.arn,
          who: 'the task role',
          actions: ['logs:DescribeLogGroups'],
          resource: '*',
          causes: ['the agent looks the log group up (and its encryption) before the session starts'],
        }),
        simulationCheck(env.apis.iam, {
          def: ROLE_LOGS,
          principalArn: role.arn,
          who: 'the task role',
          actions: ['logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'],
          resource: group,
          causes: ['the agent writes one log stream per session'],
        }),
      ]).then(mergeSameCheck),
    );
  }
  return Promise.all(checks);
}

/** Several simulations of one check → one result with the worst status. */
function mergeSameCheck(parts: readonly CheckResult[]): CheckResult {
  const order = ['red', 'unknown', 'yellow', 'green'] as const;
  const worst = order.find((s) => parts.some((p) => p.status === s)) ?? 'green';
  const first = parts.find((p) => p.status === worst) ?? (parts[0] as CheckResult);
  return {
    ...first,
    detail: parts.map((p) => p.detail).join('; '),
    evidence: { simulations: parts.map((p) => p.evidence) },
  };
}

async function resolveRole(env: DoctorEnv, ctx: TaskContext): Promise<ResolvedRole | undefined> {
  const override = ctx.task.overrides?.taskRoleArn;
  if (override) return { arn: override, source: 'override' };
  const fromDef = ctx.taskDefinition.ok ? ctx.taskDefinition.value?.taskRoleArn : undefined;
  if (fromDef) return { arn: fromDef, source: 'task-definition' };
  const ci = ctx.containerInstance;
  if (ci === undefined || !ci.ok) return undefined;
  const instanceId = ci.value?.ec2InstanceId;
  if (!instanceId) return undefined;
  // EC2 without a task role: the agent falls back to the instance role (checker 3.9).
  const out = await env.apis.ec2.describeInstances({ InstanceIds: [instanceId] });
  const profileArn = out.Reservations?.[0]?.Instances?.[0]?.IamInstanceProfile?.Arn;
  if (!profileArn) return undefined;
  const profile = await env.apis.iam.getInstanceProfile({
    InstanceProfileName: profileArn.split('/').pop() ?? '',
  });
  const roleArn = profile.InstanceProfile?.Roles?.[0]?.Arn;
  return roleArn ? { arn: roleArn, source: 'instance-profile' } : undefined;
}
