/**
 * doctor against the emulator, over the wire (real SDK clients, SigV4, awsJson1_1 / awsQuery /
 * ec2Query): one test per finding, each driven by changing the emulator's state, either through
 * the ECS API (task definitions, clusters, tasks) or through the doctor knobs
 * (src/emulator/services/doctor-state.ts).
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EMULATOR_SUBNET_ID, EMULATOR_VPC_ID } from '../../src/emulator/services/doctor-state.js';
import { checks, type DoctorHarness, startDoctorHarness, statusOf } from './doctor-harness.js';

let h: DoctorHarness;
const ACCOUNT = '000000000000';
const REGION = 'us-east-1';
const TASK_ROLE = `arn:aws:iam::${ACCOUNT}:role/ecs-diag-task-role`;
const CALLER = `arn:aws:iam::${ACCOUNT}:root`;
const KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

beforeAll(async () => {
  h = await startDoctorHarness();
  const out = await h.clients.ecs.describeTasks({ cluster: 'default', tasks: [h.task.taskId] });
  hasEni = (out.tasks?.[0]?.attachments ?? []).some((a) => a.details?.some((d) => d.name === 'subnetId'));
});
afterAll(async () => h?.close());

/** Puts the knobs back to the healthy default after each test. */
afterEach(() => {
  const k = h.knobs;
  k.iam.denials.splice(1);
  k.ec2.endpoints.splice(0);
  for (const s of k.ec2.subnets) s.ownerId = ACCOUNT;
  k.kms.keys.splice(0);
  k.logs.logGroups.splice(0);
  k.deniedApis.clear();
  delete k.sts.callerArn;
  h.agents.failSessions = false;
});

function addKey(state = 'Enabled') {
  h.knobs.kms.keys.push({
    keyId: '1234abcd-12ab-34cd-56ef-1234567890ab',
    arn: KEY_ARN,
    aliases: ['alias/exec'],
    keyState: state,
    createdAt: 0,
  });
}

/**
 * True when the control plane reports the task ENI (attachments[].details subnetId). Until it
 * does, doctor cannot know the task's subnet and the network tests are skipped.
 */
let hasEni = false;

describe('doctor on the zero-config task', () => {
  it('is green apart from the audit-logging advice, with no red', async () => {
    const r = await h.doctor();
    expect(r.summary.red).toBe(0);
    const notGreen = [...r.checks, ...(r.targets[0]?.checks ?? [])]
      .filter((c) => c.status !== 'green')
      .map((c) => c.id);
    // No probe: the attempt is skipped. No executeCommandConfiguration: the checker's yellow.
    expect(notGreen.filter((id) => id !== 'network.ssmmessages-endpoint')).toEqual([
      'cluster.exec-config',
      'exec.attempt',
    ]);
  });
});

describe('caller (STS, IAM)', () => {
  it('caller.identity: unknown when sts:GetCallerIdentity is denied, and the rest still runs', async () => {
    h.knobs.deniedApis.add('sts:GetCallerIdentity');
    const r = await h.doctor();
    expect(statusOf(r, 'caller.identity')).toBe('unknown');
    expect(statusOf(r, 'caller.execute-command')).toBe('unknown');
    expect(statusOf(r, 'task.status')).toBe('green');
  });

  it('caller.identity: an assumed role is simulated as its role', async () => {
    h.knobs.sts.callerArn = `arn:aws:sts::${ACCOUNT}:assumed-role/deployer/ci`;
    const r = await h.doctor();
    expect(checks(r, 'caller.identity')[0]?.evidence?.['principalArn']).toBe(
      `arn:aws:iam::${ACCOUNT}:role/deployer`,
    );
  });

  it('caller.execute-command: red when the caller is denied ecs:ExecuteCommand', async () => {
    h.knobs.iam.denials.push({ principal: CALLER, action: 'ecs:ExecuteCommand', effect: 'implicit' });
    expect(statusOf(await h.doctor(), 'caller.execute-command')).toBe('red');
  });

  it('caller.execute-command: red with the SCP cause when an organizations denial applies', async () => {
    h.knobs.iam.denials.push({ principal: '*', action: 'ecs:*', effect: 'organizations' });
    const c = checks(await h.doctor(), 'caller.execute-command')[0];
    expect(c?.status).toBe('red');
    expect(c?.causes?.some((x) => x.includes('AllowedByOrganizations'))).toBe(true);
  });

  it('caller.ssm-start-session-denied: yellow when ssm:StartSession is allowed', async () => {
    h.knobs.iam.denials.splice(0);
    try {
      expect(statusOf(await h.doctor(), 'caller.ssm-start-session-denied')).toBe('yellow');
    } finally {
      h.knobs.iam.denials.push({
        principal: '*',
        action: 'ssm:StartSession',
        resource: 'arn:aws:ecs:*:*:task/*',
        effect: 'explicit',
      });
    }
  });

  it('caller.kms-generate-data-key: red when denied on the key ARN (resolved from an alias)', async () => {
    addKey();
    h.knobs.iam.denials.push({
      principal: CALLER,
      action: 'kms:GenerateDataKey',
      resource: KEY_ARN,
      effect: 'explicit',
    });
    const id = await h.runTask({
      cluster: 'kms',
      clusterConfiguration: { executeCommandConfiguration: { kmsKeyId: 'alias/exec', logging: 'DEFAULT' } },
    });
    const c = checks(await h.doctorOn('kms', id), 'caller.kms-generate-data-key')[0];
    expect(c?.status).toBe('red');
    expect(c?.evidence?.['resource']).toBe(KEY_ARN);
  });

  it('every simulation: unknown when iam:SimulatePrincipalPolicy is denied; other checks still run', async () => {
    h.knobs.deniedApis.add('iam:SimulatePrincipalPolicy');
    const r = await h.doctor();
    for (const id of ['caller.execute-command', 'caller.ssm-start-session-denied', 'task-role.ssmmessages']) {
      expect(statusOf(r, id), id).toBe('unknown');
      expect(checks(r, id)[0]?.category).toBe('access-denied');
    }
    expect(statusOf(r, 'task.exec-enabled')).toBe('green');
  });
});

describe('cluster (ECS, KMS, Logs)', () => {
  it('cluster.exec-config: yellow when logging is NONE', async () => {
    const id = await h.runTask({
      cluster: 'nolog',
      clusterConfiguration: { executeCommandConfiguration: { logging: 'NONE' } },
    });
    expect(statusOf(await h.doctorOn('nolog', id), 'cluster.exec-config')).toBe('yellow');
  });

  it('cluster.exec-config: green with DEFAULT logging', async () => {
    const id = await h.runTask({
      cluster: 'deflog',
      clusterConfiguration: { executeCommandConfiguration: { logging: 'DEFAULT' } },
    });
    expect(statusOf(await h.doctorOn('deflog', id), 'cluster.exec-config')).toBe('green');
  });

  it('cluster.kms-key: green when Enabled, red when Disabled or PendingDeletion, red when missing', async () => {
    const id = await h.runTask({
      cluster: 'kms2',
      clusterConfiguration: { executeCommandConfiguration: { kmsKeyId: KEY_ARN } },
    });
    expect(statusOf(await h.doctorOn('kms2', id), 'cluster.kms-key')).toBe('red');
    addKey();
    expect(statusOf(await h.doctorOn('kms2', id), 'cluster.kms-key')).toBe('green');
    for (const state of ['Disabled', 'PendingDeletion']) {
      const key = h.knobs.kms.keys[0];
      if (key) key.keyState = state;
      const c = checks(await h.doctorOn('kms2', id), 'cluster.kms-key')[0];
      expect(c?.status, state).toBe('red');
      expect(c?.evidence?.['keyState']).toBe(state);
    }
  });

  it('cluster.kms-key: unknown when kms:DescribeKey is denied', async () => {
    addKey();
    h.knobs.deniedApis.add('kms:DescribeKey');
    const id = await h.runTask({
      cluster: 'kms3',
      clusterConfiguration: { executeCommandConfiguration: { kmsKeyId: KEY_ARN } },
    });
    expect(statusOf(await h.doctorOn('kms3', id), 'cluster.kms-key')).toBe('unknown');
  });

  const cwCluster = (encrypted: boolean) => ({
    executeCommandConfiguration: {
      logging: 'OVERRIDE' as const,
      logConfiguration: { cloudWatchLogGroupName: '/ecs/exec-audit', cloudWatchEncryptionEnabled: encrypted },
    },
  });

  it('cluster.log-group-encryption: red when encryption is required and the group has no key', async () => {
    h.knobs.logs.logGroups.push({ name: '/ecs/exec-audit', createdAt: 0 });
    const id = await h.runTask({ cluster: 'cw-enc', clusterConfiguration: cwCluster(true) });
    const c = checks(await h.doctorOn('cw-enc', id), 'cluster.log-group-encryption')[0];
    expect(c?.status).toBe('red');
    expect(c?.category).toBe('log-group-encryption');
  });

  it('cluster.log-group-encryption: green when the group has a KMS key', async () => {
    h.knobs.logs.logGroups.push({ name: '/ecs/exec-audit', createdAt: 0, kmsKeyId: KEY_ARN });
    const id = await h.runTask({ cluster: 'cw-enc2', clusterConfiguration: cwCluster(true) });
    expect(statusOf(await h.doctorOn('cw-enc2', id), 'cluster.log-group-encryption')).toBe('green');
  });

  it('cluster.log-group-encryption: red when the group is missing, yellow when missing and not encrypted', async () => {
    const a = await h.runTask({ cluster: 'cw-miss', clusterConfiguration: cwCluster(true) });
    expect(statusOf(await h.doctorOn('cw-miss', a), 'cluster.log-group-encryption')).toBe('red');
    const b = await h.runTask({ cluster: 'cw-miss2', clusterConfiguration: cwCluster(false) });
    expect(statusOf(await h.doctorOn('cw-miss2', b), 'cluster.log-group-encryption')).toBe('yellow');
  });

  it('cluster.log-group-encryption: unknown when logs:DescribeLogGroups is denied', async () => {
    h.knobs.deniedApis.add('logs:DescribeLogGroups');
    const id = await h.runTask({ cluster: 'cw-deny', clusterConfiguration: cwCluster(true) });
    expect(statusOf(await h.doctorOn('cw-deny', id), 'cluster.log-group-encryption')).toBe('unknown');
  });
});

describe('task (ECS)', () => {
  it('task.status: red once the task is stopped (and the attempt is skipped)', async () => {
    const id = await h.runTask();
    const rec = h.emulator.state.tasks.find((t) => t.taskId === id);
    if (rec) {
      rec.lastStatus = 'STOPPED';
      rec.stoppedReason = 'Task stopped by user';
    }
    const r = await h.doctorOn('default', id);
    expect(statusOf(r, 'task.status')).toBe('red');
    expect(checks(r, 'task.status')[0]?.detail).toContain('Task stopped by user');
  });

  it('task.status: yellow while PENDING', async () => {
    const id = await h.runTask();
    const rec = h.emulator.state.tasks.find((t) => t.taskId === id);
    if (rec) rec.lastStatus = 'PENDING';
    expect(statusOf(await h.doctorOn('default', id), 'task.status')).toBe('yellow');
  });

  it('task.platform: red for Fargate platform 1.3.0', async () => {
    const id = await h.runTask({ platformVersion: '1.3.0' });
    expect(statusOf(await h.doctorOn('default', id), 'task.platform')).toBe('red');
  });

  it('task.exec-enabled: red for a task run without enableExecuteCommand', async () => {
    const id = await h.runTask({ enableExecuteCommand: false });
    const r = await h.doctorOn('default', id);
    expect(statusOf(r, 'task.exec-enabled')).toBe('red');
    expect(statusOf(r, 'container.managed-agent')).toBe('unknown');
  });

  it('task.pid-mode: yellow for pidMode task', async () => {
    const id = await h.runTask({ taskDefinition: { pidMode: 'task' } });
    expect(statusOf(await h.doctorOn('default', id), 'task.pid-mode')).toBe('yellow');
  });
});

describe('containers (ECS task definitions)', () => {
  it('container.managed-agent: red when the agent is STOPPED, yellow when PENDING', async () => {
    const id = await h.runTask();
    const c = h.emulator.state.tasks.find((t) => t.taskId === id)?.containers[0];
    if (!c) throw new Error('no container');
    c.agentStatus = 'STOPPED';
    c.agentReason = 'agent crashed';
    const red = checks(await h.doctorOn('default', id), 'container.managed-agent')[0];
    expect(red?.status).toBe('red');
    expect(red?.detail).toContain('agent crashed');
    c.agentStatus = 'PENDING';
    expect(statusOf(await h.doctorOn('default', id), 'container.managed-agent')).toBe('yellow');
  });

  it('container.init-process: yellow when initProcessEnabled is not set', async () => {
    const id = await h.runTask({ container: { linuxParameters: {} } });
    expect(statusOf(await h.doctorOn('default', id), 'container.init-process')).toBe('yellow');
  });

  it('container.readonly-rootfs: red with readonlyRootFilesystem', async () => {
    const id = await h.runTask({ container: { readonlyRootFilesystem: true } });
    expect(statusOf(await h.doctorOn('default', id), 'container.readonly-rootfs')).toBe('red');
  });

  it('container.credentials: yellow for AWS_ACCESS_KEY_ID in environment', async () => {
    const id = await h.runTask({
      container: { environment: [{ name: 'AWS_ACCESS_KEY_ID', value: 'AKIA' }] },
    });
    expect(statusOf(await h.doctorOn('default', id), 'container.credentials')).toBe('yellow');
  });

  it('container.credentials: yellow for AWS_SECRET_ACCESS_KEY in secrets', async () => {
    const id = await h.runTask({
      container: {
        secrets: [
          {
            name: 'AWS_SECRET_ACCESS_KEY',
            valueFrom: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:k`,
          },
        ],
      },
    });
    expect(statusOf(await h.doctorOn('default', id), 'container.credentials')).toBe('yellow');
  });

  it('container.credentials: yellow for a run-time environment override', async () => {
    const id = await h.runTask({
      overrides: {
        containerOverrides: [{ name: 'app', environment: [{ name: 'AWS_ACCESS_KEY', value: 'x' }] }],
      },
    });
    expect(statusOf(await h.doctorOn('default', id), 'container.credentials')).toBe('yellow');
  });

  it('container.credentials: unknown with environmentFiles (not inspected)', async () => {
    const id = await h.runTask({
      container: { environmentFiles: [{ type: 's3', value: 'arn:aws:s3:::cfg/app.env' }] },
    });
    expect(statusOf(await h.doctorOn('default', id), 'container.credentials')).toBe('unknown');
  });

  it('container.restart-policy: yellow when enabled', async () => {
    const id = await h.runTask({ container: { restartPolicy: { enabled: true } } });
    expect(statusOf(await h.doctorOn('default', id), 'container.restart-policy')).toBe('yellow');
  });
});

describe('task role (IAM)', () => {
  it('task-role.configured: red without a task role', async () => {
    const id = await h.runTask({ taskDefinition: { taskRoleArn: '' } });
    expect(statusOf(await h.doctorOn('default', id), 'task-role.configured')).toBe('red');
  });

  it('task-role.configured: the run-time override is the role simulated', async () => {
    const other = `arn:aws:iam::${ACCOUNT}:role/override-role`;
    h.knobs.iam.denials.push({ principal: other, action: 'ssmmessages:*', effect: 'implicit' });
    const id = await h.runTask({ overrides: { taskRoleArn: other } });
    const r = await h.doctorOn('default', id);
    expect(checks(r, 'task-role.configured')[0]?.detail).toContain('overridden');
    expect(statusOf(r, 'task-role.ssmmessages')).toBe('red');
  });

  it('task-role.ssmmessages: red when the role is denied one channel action', async () => {
    h.knobs.iam.denials.push({
      principal: TASK_ROLE,
      action: 'ssmmessages:OpenDataChannel',
      effect: 'explicit',
    });
    const c = checks(await h.doctor(), 'task-role.ssmmessages')[0];
    expect(c?.status).toBe('red');
    expect(c?.detail).toContain('ssmmessages:OpenDataChannel (explicitDeny)');
  });

  it('task-role.kms-decrypt: red when the role may not decrypt with the key', async () => {
    addKey();
    h.knobs.iam.denials.push({ principal: TASK_ROLE, action: 'kms:Decrypt', effect: 'implicit' });
    const id = await h.runTask({
      cluster: 'kms4',
      clusterConfiguration: { executeCommandConfiguration: { kmsKeyId: KEY_ARN } },
    });
    expect(statusOf(await h.doctorOn('kms4', id), 'task-role.kms-decrypt')).toBe('red');
  });

  it('task-role.cloudwatch-logging: red when logs:PutLogEvents is denied on the group', async () => {
    h.knobs.logs.logGroups.push({ name: '/ecs/exec-audit', createdAt: 0 });
    h.knobs.iam.denials.push({
      principal: TASK_ROLE,
      action: 'logs:PutLogEvents',
      resource: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/ecs/exec-audit:*`,
      effect: 'implicit',
    });
    const id = await h.runTask({
      cluster: 'cw-role',
      clusterConfiguration: {
        executeCommandConfiguration: {
          logging: 'OVERRIDE',
          logConfiguration: { cloudWatchLogGroupName: '/ecs/exec-audit' },
        },
      },
    });
    expect(statusOf(await h.doctorOn('cw-role', id), 'task-role.cloudwatch-logging')).toBe('red');
  });

  it('task-role.s3-logging: red when s3:PutObject is denied under the prefix', async () => {
    h.knobs.iam.denials.push({
      principal: TASK_ROLE,
      action: 's3:PutObject',
      resource: 'arn:aws:s3:::audit/*',
      effect: 'implicit',
    });
    const id = await h.runTask({
      cluster: 's3-role',
      clusterConfiguration: {
        executeCommandConfiguration: {
          logging: 'OVERRIDE',
          logConfiguration: { s3BucketName: 'audit', s3KeyPrefix: 'exec/' },
        },
      },
    });
    expect(statusOf(await h.doctorOn('s3-role', id), 'task-role.s3-logging')).toBe('red');
  });
});

describe('network (EC2), needs the task ENI attachment', () => {
  beforeEach((ctx) => {
    if (!hasEni) ctx.skip('the emulator reports no task ENI (attachments) yet');
  });

  const ep = (
    svc: string,
    over: Partial<{ state: string; privateDnsEnabled: boolean; type: 'Interface' | 'Gateway' }> = {},
  ) => ({
    vpcEndpointId: `vpce-${svc.replace(/\W/g, '')}`,
    vpcId: EMULATOR_VPC_ID,
    serviceName: `com.amazonaws.${REGION}.${svc}`,
    type: over.type ?? ('Interface' as const),
    state: over.state ?? 'available',
    privateDnsEnabled: over.privateDnsEnabled ?? true,
  });

  it('network.ssmmessages-endpoint: green without any endpoint (NAT)', async () => {
    expect(statusOf(await h.doctor(), 'network.ssmmessages-endpoint')).toBe('green');
  });

  it('network.ssmmessages-endpoint: yellow with other endpoints only, red beside an ecs endpoint', async () => {
    h.knobs.ec2.endpoints.push(ep('ecr.api'));
    expect(statusOf(await h.doctor(), 'network.ssmmessages-endpoint')).toBe('yellow');
    h.knobs.ec2.endpoints.push(ep('ecs'));
    expect(statusOf(await h.doctor(), 'network.ssmmessages-endpoint')).toBe('red');
  });

  it('network.ssmmessages-endpoint: green when present (found across pages), yellow with private DNS off', async () => {
    for (const s of ['ecr.api', 'ecr.dkr', 'ecs', 'ecs-agent', 'ecs-telemetry', 'sts'])
      h.knobs.ec2.endpoints.push(ep(s));
    h.knobs.ec2.endpoints.push(ep('ssmmessages'));
    expect(statusOf(await h.doctor(), 'network.ssmmessages-endpoint')).toBe('green');
    const last = h.knobs.ec2.endpoints.at(-1);
    if (last) last.privateDnsEnabled = false;
    expect(statusOf(await h.doctor(), 'network.ssmmessages-endpoint')).toBe('yellow');
  });

  it('network.ssmmessages-endpoint: red when the endpoint is not available', async () => {
    h.knobs.ec2.endpoints.push(ep('ssmmessages', { state: 'pending' }));
    expect(statusOf(await h.doctor(), 'network.ssmmessages-endpoint')).toBe('red');
  });

  it('network.ssmmessages-endpoint: unknown for a RAM-shared subnet', async () => {
    const s = h.knobs.ec2.subnets.find((x) => x.subnetId === EMULATOR_SUBNET_ID);
    if (s) s.ownerId = '111122223333';
    expect(statusOf(await h.doctor(), 'network.ssmmessages-endpoint')).toBe('unknown');
  });

  it('network.ssmmessages-endpoint: unknown when ec2:DescribeVpcEndpoints is denied', async () => {
    h.knobs.deniedApis.add('ec2:DescribeVpcEndpoints');
    expect(statusOf(await h.doctor(), 'network.ssmmessages-endpoint')).toBe('unknown');
  });

  it('network.kms-endpoint / logs-endpoint / s3-endpoint: yellow when missing beside ssmmessages', async () => {
    addKey();
    h.knobs.logs.logGroups.push({ name: '/ecs/exec-audit', createdAt: 0 });
    h.knobs.ec2.endpoints.push(ep('ssmmessages'));
    const id = await h.runTask({
      cluster: 'net',
      clusterConfiguration: {
        executeCommandConfiguration: {
          kmsKeyId: KEY_ARN,
          logging: 'OVERRIDE',
          logConfiguration: { cloudWatchLogGroupName: '/ecs/exec-audit', s3BucketName: 'audit' },
        },
      },
    });
    const r = await h.doctorOn('net', id);
    for (const id2 of ['network.kms-endpoint', 'network.logs-endpoint', 'network.s3-endpoint']) {
      expect(statusOf(r, id2), id2).toBe('yellow');
    }
    h.knobs.ec2.endpoints.push(ep('kms'), ep('logs'), ep('s3', { type: 'Gateway' }));
    const r2 = await h.doctorOn('net', id);
    for (const id2 of ['network.kms-endpoint', 'network.logs-endpoint', 'network.s3-endpoint']) {
      expect(statusOf(r2, id2), id2).toBe('green');
    }
  });
});

describe('sessions (SSM)', () => {
  it('exec.session-limit: red once the container has two open sessions', async () => {
    const id = await h.runTask();
    const task = h.emulator.state.tasks.find((t) => t.taskId === id);
    const c = task?.containers[0];
    if (!task || !c) throw new Error('no task');
    for (let i = 0; i < 2; i++) {
      h.emulator.state.sessions.push({
        sessionId: `ecs-execute-command-doctor${i}`,
        target: `ecs:default_${id}_${c.runtimeId}`,
        status: 'Connected',
        startDate: h.emulator.logical.now(),
        owner: CALLER,
        documentName: 'AmazonECS-ExecuteInteractiveCommand',
        clusterName: 'default',
        taskId: id,
        containerName: c.name,
        command: 'sleep 1000',
        lastActivityAt: h.emulator.logical.now(),
      });
      if (i === 0) expect(statusOf(await h.doctorOn('default', id), 'exec.session-limit')).toBe('green');
    }
    const s = checks(await h.doctorOn('default', id), 'exec.session-limit')[0];
    expect(s?.status).toBe('red');
    expect(s?.evidence?.['open']).toEqual({ app: 2 });
  });
});

describe('exec attempt (ExecuteCommand + the data channel)', () => {
  it('exec.attempt: green, the marker comes back and the first byte is timed', async () => {
    const c = checks(await h.doctor({ execProbe: h.probe }), 'exec.attempt')[0];
    expect(c?.status).toBe('green');
    expect(c?.evidence?.['marker']).toBe('ECSDIAG-DOCTOR-MARKER');
    expect(typeof c?.evidence?.['firstByteMs']).toBe('number');
  });

  it('exec.attempt: red exec-not-enabled when the agent stopped', async () => {
    const id = await h.runTask();
    const c = h.emulator.state.tasks.find((t) => t.taskId === id)?.containers[0];
    if (c) c.agentStatus = 'STOPPED';
    const a = checks(await h.doctorOn('default', id, { execProbe: h.probe }), 'exec.attempt')[0];
    expect(a?.status).toBe('red');
    expect(a?.category).toBe('exec-not-enabled');
    expect(a?.evidence?.['error']).toBe('InvalidParameterException');
  });

  it('exec.attempt: red target-not-connected when the agent cannot start the session', async () => {
    h.agents.failSessions = true;
    const a = checks(await h.doctor({ execProbe: h.probe }), 'exec.attempt')[0];
    expect(a?.status).toBe('red');
    expect(a?.category).toBe('target-not-connected');
    expect(a?.causes?.length).toBeGreaterThan(2);
  });

  it('exec.attempt and exec.session-limit: red session-limit with two sessions running', async () => {
    const id = await h.runTask();
    for (let i = 0; i < 2; i++) {
      await h.clients.ecs.executeCommand({
        cluster: 'default',
        task: id,
        interactive: true,
        command: 'sleep 600',
      });
    }
    const r = await h.doctorOn('default', id, { execProbe: h.probe });
    expect(statusOf(r, 'exec.session-limit')).toBe('red');
    const a = checks(r, 'exec.attempt')[0];
    expect(a?.status).toBe('red');
    expect(a?.category).toBe('session-limit');
  });
});
