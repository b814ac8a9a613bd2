/**
 * Likely causes of each failure category, most likely first, with the public thread that shows
 * each one. Shown under a red or unknown check.
 *
 * @see /work/shared/docs/prior-art.md §(c) C4 (TargetNotConnected), C5 (exec not enabled),
 *      C7 (KMS and logging), C9 (checker false results)
 */
import type { FindingCategory } from '../../aws/classify.js';

const CAUSES: Readonly<Record<FindingCategory, readonly string[]>> = {
  'target-not-connected': [
    'the task role lacks ssmmessages:CreateControlChannel/CreateDataChannel/OpenControlChannel/OpenDataChannel',
    'AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY in the container (environment, secrets or environmentFiles) override the task role for the SSM agent (checker#49)',
    'no route to ssmmessages.<region>.amazonaws.com: the VPC has interface endpoints but none for ssmmessages, or no NAT/IGW',
    'the SSM agent inside the task is still starting or failed (see the in-container agent log: CreateControlChannel failed)',
    'an ECS agent or AMI version that broke exec (amazon-ssm-agent#536: 1.58.0; checker#47: AMI 2.0.20220209)',
  ],
  'exec-not-enabled': [
    'the task was started without enableExecuteCommand (only new tasks can get it: update the service with --enable-execute-command and force a new deployment)',
    'the ExecuteCommandAgent of the container is not RUNNING (STOPPED after a container restart, or PENDING at start: wait and retry)',
    'the task was replaced (health check) and the new one came up without exec (amazon-ecs-agent#3166)',
  ],
  'access-denied': [
    'the caller lacks ecs:ExecuteCommand on the task (or the cluster), or a condition (ecs:container-name, tags) does not match',
    'a permissions boundary, SCP or session policy denies it (the IAM simulator cannot always see these: checker#44, #68, #70)',
    'with a KMS key configured, the caller also needs kms:GenerateDataKey on it',
  ],
  kms: [
    'the KMS key is disabled, pending deletion, or in another region/account',
    'the caller lacks kms:GenerateDataKey, or the task role lacks kms:Decrypt, on the key',
    'the key policy does not allow the caller or the task role',
    'a client without the KMS handshake (the 4-argument plugin call, ecspresso#320), or a wrong runtimeId/endpoint (InvalidCiphertextException, ecsk PR#1)',
  ],
  'log-group-encryption': [
    'cloudWatchEncryptionEnabled is true but the log group has no KMS key (checker#65, #79)',
    'the log group does not exist, or the task role lacks logs:DescribeLogGroups',
  ],
  'session-limit': [
    'too many ECS Exec sessions are open on this PID namespace: end stale sessions (ssm terminate-session) or wait for them to time out',
  ],
  throttling: ['the account is calling the API too fast: retry later, lower --concurrency'],
  'not-found': ['the cluster, task or resource does not exist in this region/account, or it stopped'],
  'invalid-parameter': ['a parameter was rejected (container name, task id): see the message'],
  credentials: ['the local credentials are missing, expired or invalid (aws sso login, or check --profile)'],
  network: ['the endpoint cannot be reached from this machine (proxy, DNS, VPN, firewall)'],
  server: ['a server-side failure: retry; if it persists, open a support case with the request id'],
  unknown: [],
};

/** The likely causes of a category. */
export function causesOf(category: FindingCategory): readonly string[] {
  return CAUSES[category];
}
