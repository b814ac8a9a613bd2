/**
 * Checks on the cluster's `executeCommandConfiguration`: audit logging, the KMS key (its state,
 * not only its ARN) and the CloudWatch log group's encryption when the cluster demands it.
 *
 * @see /work/shared/docs/prior-art.md §(b) 3.1 and "Known gaps"; §(c) C7 (checker#65, #79)
 */
import type * as ecs from '@aws-sdk/client-ecs';
import type * as kms from '@aws-sdk/client-kms';
import { type CheckDef, result, unknownFrom } from './check.js';
import { execConfigOf, type TaskContext } from './context.js';
import type { CheckResult, DoctorEnv } from './types.js';

export const CLUSTER_EXEC_CONFIG: CheckDef = {
  id: 'cluster.exec-config',
  title: 'Cluster exec configuration (audit logging)',
  ref: 'checker 3.1',
};
export const CLUSTER_KMS_KEY: CheckDef = {
  id: 'cluster.kms-key',
  title: 'Exec KMS key',
  ref: 'checker 3.1 + ecs-diag',
};
export const CLUSTER_LOG_GROUP: CheckDef = {
  id: 'cluster.log-group-encryption',
  title: 'CloudWatch log group encryption',
  ref: 'ecs-diag (checker#65, #79)',
};

/** The cluster checks, plus the KMS key ARN the permission checks simulate against. */
export interface ClusterChecks {
  readonly checks: readonly CheckResult[];
  readonly keyArn: string | undefined;
}

/** Runs the cluster checks. */
export async function clusterChecks(env: DoctorEnv, ctx: TaskContext): Promise<ClusterChecks> {
  if (!ctx.clusterInfo.ok) {
    return {
      checks: [unknownFrom(CLUSTER_EXEC_CONFIG, ctx.clusterInfo.api, ctx.clusterInfo.error)],
      keyArn: undefined,
    };
  }
  const config = execConfigOf(ctx);
  const checks: CheckResult[] = [execConfigCheck(config)];
  let keyArn: string | undefined;
  if (config?.kmsKeyId !== undefined) {
    const key = await kmsKeyCheck(env, config.kmsKeyId);
    checks.push(key.check);
    keyArn = key.keyArn;
  }
  const cw = config?.logConfiguration;
  if (config?.logging === 'OVERRIDE' && cw?.cloudWatchLogGroupName !== undefined) {
    checks.push(await logGroupCheck(env, cw.cloudWatchLogGroupName, cw.cloudWatchEncryptionEnabled === true));
  }
  return { checks, keyArn };
}

function execConfigCheck(config: ecs.ExecuteCommandConfiguration | undefined): CheckResult {
  const evidence = { executeCommandConfiguration: config ?? null };
  if (config === undefined) {
    return result(
      CLUSTER_EXEC_CONFIG,
      'yellow',
      'audit logging not configured (no executeCommandConfiguration)',
      {
        causes: [
          'set executeCommandConfiguration.logging to DEFAULT or OVERRIDE to keep session transcripts',
        ],
        evidence,
      },
    );
  }
  const logging = config.logging ?? 'DEFAULT';
  if (logging === 'NONE') {
    return result(CLUSTER_EXEC_CONFIG, 'yellow', 'audit logging disabled (logging NONE)', {
      causes: ['sessions leave no transcript; use DEFAULT or OVERRIDE'],
      evidence,
    });
  }
  const where =
    logging === 'OVERRIDE'
      ? [
          config.logConfiguration?.cloudWatchLogGroupName &&
            `CloudWatch ${config.logConfiguration.cloudWatchLogGroupName}${config.logConfiguration.cloudWatchEncryptionEnabled ? ' (encrypted)' : ''}`,
          config.logConfiguration?.s3BucketName &&
            `S3 ${config.logConfiguration.s3BucketName}/${config.logConfiguration.s3KeyPrefix ?? ''}${config.logConfiguration.s3EncryptionEnabled ? ' (encrypted)' : ''}`,
        ]
          .filter(Boolean)
          .join(', ') || 'no destination'
      : 'the task definition awslogs configuration';
  const kmsNote = config.kmsKeyId === undefined ? '' : `; KMS key ${config.kmsKeyId}`;
  return result(CLUSTER_EXEC_CONFIG, 'green', `logging ${logging} to ${where}${kmsNote}`, { evidence });
}

async function kmsKeyCheck(
  env: DoctorEnv,
  keyId: string,
): Promise<{ check: CheckResult; keyArn: string | undefined }> {
  const fallbackArn = keyId.startsWith('arn:') ? keyId : undefined;
  let meta: kms.KeyMetadata | undefined;
  try {
    meta = (await env.apis.kms.describeKey({ KeyId: keyId })).KeyMetadata;
  } catch (err) {
    const check = unknownFrom(CLUSTER_KMS_KEY, 'kms:DescribeKey', err);
    if (check.category === 'not-found') {
      return {
        check: {
          ...check,
          status: 'red',
          detail: `KMS key ${keyId} not found`,
          causes: ['the key id is wrong, or the key is in another region/account, or it was deleted'],
        },
        keyArn: fallbackArn,
      };
    }
    return { check, keyArn: fallbackArn };
  }
  const evidence = { keyId, keyArn: meta?.Arn, keyState: meta?.KeyState, keyManager: meta?.KeyManager };
  const keyArn = meta?.Arn ?? fallbackArn;
  if (meta?.KeyState !== 'Enabled') {
    return {
      check: result(
        CLUSTER_KMS_KEY,
        'red',
        `KMS key ${keyArn ?? keyId} is ${meta?.KeyState ?? 'in an unknown state'}`,
        {
          category: 'kms',
          causes: ['a key that is not Enabled cannot encrypt the data channel: ExecuteCommand fails'],
          evidence,
        },
      ),
      keyArn,
    };
  }
  return { check: result(CLUSTER_KMS_KEY, 'green', `KMS key ${keyArn} is Enabled`, { evidence }), keyArn };
}

async function logGroupCheck(
  env: DoctorEnv,
  name: string,
  encryptionRequired: boolean,
): Promise<CheckResult> {
  let group: { logGroupName?: string; kmsKeyId?: string; arn?: string } | undefined;
  try {
    const out = await env.apis.logs.describeLogGroups({ logGroupNamePrefix: name });
    group = out.logGroups?.find((g) => g.logGroupName === name);
  } catch (err) {
    return unknownFrom(CLUSTER_LOG_GROUP, 'logs:DescribeLogGroups', err);
  }
  const evidence = {
    logGroupName: name,
    encryptionRequired,
    kmsKeyId: group?.kmsKeyId ?? null,
    exists: !!group,
  };
  if (group === undefined) {
    return result(
      CLUSTER_LOG_GROUP,
      encryptionRequired ? 'red' : 'yellow',
      `log group ${name} does not exist`,
      {
        category: 'log-group-encryption',
        causes: ['create the log group (ECS does not); session transcripts cannot be uploaded'],
        evidence,
      },
    );
  }
  if (encryptionRequired && group.kmsKeyId === undefined) {
    return result(
      CLUSTER_LOG_GROUP,
      'red',
      `cloudWatchEncryptionEnabled is true but log group ${name} has no KMS key: sessions end with "encryption is not set up on the selected CloudWatch Logs log group"`,
      {
        category: 'log-group-encryption',
        causes: [
          'associate a KMS key with the log group (logs associate-kms-key), or set cloudWatchEncryptionEnabled false',
        ],
        evidence,
      },
    );
  }
  return result(
    CLUSTER_LOG_GROUP,
    'green',
    group.kmsKeyId === undefined
      ? `log group ${name} exists (encryption not required)`
      : `log group ${name} is encrypted with ${group.kmsKeyId}`,
    { evidence },
  );
}
