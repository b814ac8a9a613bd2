/**
 * One test per finding: start from a healthy task, break one thing, expect that check's status.
 */
import { describe, expect, it } from 'vitest';
import { runDoctor } from '../../../src/scenarios/doctor/run-doctor.js';
import type { CheckResult, CheckStatus, DoctorEnv } from '../../../src/scenarios/doctor/types.js';
import {
  ACCOUNT,
  awsError,
  CALLER_ARN,
  CLUSTER,
  type FakeWorld,
  fakeEnv,
  fakeProbe,
  healthyWorld,
  REGION,
  ROLE_ARN,
  TASK_ID,
} from './fake-aws.js';

async function doctor(w: FakeWorld, over: Partial<DoctorEnv> = {}) {
  return runDoctor(fakeEnv(w, over), { selection: { kind: 'tasks', cluster: CLUSTER, tasks: [TASK_ID] } });
}

async function checksOf(w: FakeWorld, over: Partial<DoctorEnv> = {}): Promise<CheckResult[]> {
  const r = await doctor(w, over);
  return [...r.checks, ...(r.targets[0]?.checks ?? [])];
}

async function statusOf(
  w: FakeWorld,
  id: string,
  over: Partial<DoctorEnv> = {},
): Promise<CheckStatus | undefined> {
  const all = await checksOf(w, over);
  const found = all.filter((c) => c.id === id);
  expect(found.length, `check ${id} present`).toBeGreaterThan(0);
  const order: CheckStatus[] = ['red', 'unknown', 'yellow', 'green'];
  return order.find((s) => found.some((c) => c.status === s));
}

const KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/k-1`;

function withKms(w: FakeWorld, state = 'Enabled'): FakeWorld {
  w.cluster = {
    clusterName: CLUSTER,
    configuration: { executeCommandConfiguration: { kmsKeyId: 'k-1', logging: 'DEFAULT' } },
  };
  w.keys.push({ KeyId: 'k-1', Arn: KEY_ARN, KeyState: state });
  return w;
}

function withCloudWatch(w: FakeWorld, encrypted: boolean): FakeWorld {
  w.cluster = {
    clusterName: CLUSTER,
    configuration: {
      executeCommandConfiguration: {
        logging: 'OVERRIDE',
        logConfiguration: { cloudWatchLogGroupName: '/exec', cloudWatchEncryptionEnabled: encrypted },
      },
    },
  };
  return w;
}

describe('doctor on a healthy task', () => {
  it('is all green but the checker-style advisories, and attempts a real exec', async () => {
    const r = await doctor(healthyWorld());
    const checks = r.targets[0]?.checks ?? [];
    expect(r.summary.red).toBe(0);
    expect(checks.filter((c) => c.status !== 'green').map((c) => c.id)).toEqual([]);
    const attempt = checks.find((c) => c.id === 'exec.attempt');
    expect(attempt?.status).toBe('green');
    expect(attempt?.evidence?.['firstByteMs']).toBe(12);
    expect(r.schemaVersion).toBe(1);
  });

  it('lists every checker check id', async () => {
    const ids = new Set((await checksOf(withKms(healthyWorld()))).map((c) => c.id));
    for (const id of [
      'client.region',
      'caller.identity',
      'caller.execute-command',
      'caller.kms-generate-data-key',
      'caller.ssm-start-session-denied',
      'cluster.exec-config',
      'cluster.kms-key',
      'task.status',
      'task.platform',
      'task.exec-enabled',
      'container.managed-agent',
      'container.init-process',
      'container.readonly-rootfs',
      'task-role.configured',
      'task-role.ssmmessages',
      'task-role.kms-decrypt',
      'network.ssmmessages-endpoint',
      'container.credentials',
      'task.pid-mode',
      'container.restart-policy',
      'task.versions',
      'exec.session-limit',
      'exec.attempt',
    ]) {
      expect(ids.has(id), id).toBe(true);
    }
  });
});

describe('one finding per test', () => {
  it('caller.identity unknown when sts:GetCallerIdentity is denied; caller checks unknown, the rest run', async () => {
    const w = healthyWorld();
    w.forbiddenApis.add('sts:GetCallerIdentity');
    const all = await checksOf(w);
    expect(all.find((c) => c.id === 'caller.identity')?.status).toBe('unknown');
    expect(all.find((c) => c.id === 'caller.execute-command')?.status).toBe('unknown');
    expect(all.find((c) => c.id === 'task-role.ssmmessages')?.status).toBe('green');
  });

  it('caller.identity maps an assumed role to its role ARN (with the path from iam:GetRole)', async () => {
    const w = healthyWorld();
    w.callerArn = `arn:aws:sts::${ACCOUNT}:assumed-role/deployer/session-1`;
    const id = (await checksOf(w)).find((c) => c.id === 'caller.identity');
    expect(id?.evidence?.['principalArn']).toBe(`arn:aws:iam::${ACCOUNT}:role/path/deployer`);
  });

  it('caller.execute-command red when implicitly denied', async () => {
    const w = healthyWorld();
    w.denied.add(`${CALLER_ARN} ecs:ExecuteCommand`);
    expect(await statusOf(w, 'caller.execute-command')).toBe('red');
  });

  it('caller.ssm-start-session-denied yellow when StartSession is allowed', async () => {
    const w = healthyWorld();
    w.denied.clear();
    expect(await statusOf(w, 'caller.ssm-start-session-denied')).toBe('yellow');
  });

  it('caller.kms-generate-data-key red when denied on the key ARN', async () => {
    const w = withKms(healthyWorld());
    w.denied.add(`${CALLER_ARN} kms:GenerateDataKey`);
    const c = (await checksOf(w)).find((x) => x.id === 'caller.kms-generate-data-key');
    expect(c?.status).toBe('red');
    expect(c?.evidence?.['resource']).toBe(KEY_ARN);
  });

  it('an AccessDenied on iam:SimulatePrincipalPolicy marks the simulations unknown; the rest still run', async () => {
    const w = healthyWorld();
    w.forbiddenApis.add('iam:SimulatePrincipalPolicy');
    const all = await checksOf(w);
    expect(all.find((c) => c.id === 'caller.execute-command')?.status).toBe('unknown');
    expect(all.find((c) => c.id === 'caller.execute-command')?.category).toBe('access-denied');
    expect(all.find((c) => c.id === 'task-role.ssmmessages')?.status).toBe('unknown');
    expect(all.find((c) => c.id === 'task.status')?.status).toBe('green');
    expect(all.find((c) => c.id === 'exec.attempt')?.status).toBe('green');
  });

  it('cluster.exec-config yellow without a configuration, and with logging NONE', async () => {
    const w = healthyWorld();
    w.cluster = { clusterName: CLUSTER };
    expect(await statusOf(w, 'cluster.exec-config')).toBe('yellow');
    w.cluster = { clusterName: CLUSTER, configuration: { executeCommandConfiguration: { logging: 'NONE' } } };
    expect(await statusOf(w, 'cluster.exec-config')).toBe('yellow');
  });

  it('cluster.exec-config unknown when ecs:DescribeClusters is denied', async () => {
    const w = healthyWorld();
    w.forbiddenApis.add('ecs:DescribeClusters');
    expect(await statusOf(w, 'cluster.exec-config')).toBe('unknown');
  });

  it('cluster.kms-key red when the key is disabled, and when it does not exist', async () => {
    expect(await statusOf(withKms(healthyWorld(), 'Disabled'), 'cluster.kms-key')).toBe('red');
    const w = withKms(healthyWorld());
    w.keys = [];
    expect(await statusOf(w, 'cluster.kms-key')).toBe('red');
  });

  it('cluster.kms-key unknown when kms:DescribeKey is denied', async () => {
    const w = withKms(healthyWorld());
    w.forbiddenApis.add('kms:DescribeKey');
    expect(await statusOf(w, 'cluster.kms-key')).toBe('unknown');
  });

  it('cluster.log-group-encryption red when encryption is required and the group has no key', async () => {
    const w = withCloudWatch(healthyWorld(), true);
    w.logGroups.push({ logGroupName: '/exec' });
    const c = (await checksOf(w)).find((x) => x.id === 'cluster.log-group-encryption');
    expect(c?.status).toBe('red');
    expect(c?.category).toBe('log-group-encryption');
  });

  it('cluster.log-group-encryption green when the group is encrypted, yellow when absent and not required', async () => {
    const w = withCloudWatch(healthyWorld(), true);
    w.logGroups.push({ logGroupName: '/exec', kmsKeyId: KEY_ARN });
    expect(await statusOf(w, 'cluster.log-group-encryption')).toBe('green');
    expect(await statusOf(withCloudWatch(healthyWorld(), false), 'cluster.log-group-encryption')).toBe(
      'yellow',
    );
  });

  it('task.status yellow when PENDING, red when STOPPED (and the attempt is skipped)', async () => {
    const w = healthyWorld();
    (w.tasks[0] as { lastStatus?: string }).lastStatus = 'PENDING';
    expect(await statusOf(w, 'task.status')).toBe('yellow');
    Object.assign(w.tasks[0] as object, {
      lastStatus: 'STOPPED',
      stoppedReason: 'Essential container exited',
    });
    const all = await checksOf(w);
    expect(all.find((c) => c.id === 'task.status')?.status).toBe('red');
    expect(all.find((c) => c.id === 'exec.attempt')?.status).toBe('unknown');
  });

  it('task.platform red on Fargate 1.3.0, green on Windows 1.0.0', async () => {
    const w = healthyWorld();
    Object.assign(w.tasks[0] as object, { platformVersion: '1.3.0' });
    expect(await statusOf(w, 'task.platform')).toBe('red');
    Object.assign(w.tasks[0] as object, {
      platformVersion: '1.0.0',
      platformFamily: 'WINDOWS_SERVER_2019_CORE',
    });
    expect(await statusOf(w, 'task.platform')).toBe('green');
  });

  it('task.platform red for an EC2 agent older than 1.50.2; capability red without the attribute', async () => {
    const w = healthyWorld();
    Object.assign(w.tasks[0] as object, {
      launchType: 'EC2',
      containerInstanceArn: 'arn:ci/1',
      attachments: [],
    });
    w.containerInstance = {
      containerInstanceArn: 'arn:ci/1',
      versionInfo: { agentVersion: '1.50.1' },
      attributes: [{ name: 'ecs.subnet-id', value: 'subnet-1' }],
    };
    const all = await checksOf(w);
    expect(all.find((c) => c.id === 'task.platform')?.status).toBe('red');
    expect(all.find((c) => c.id === 'container-instance.exec-capability')?.status).toBe('red');
    expect(all.find((c) => c.id === 'network.ssmmessages-endpoint')?.status).toBe('green');
  });

  it('task.versions yellow on ECS agent 1.58.0 (amazon-ssm-agent#536)', async () => {
    const w = healthyWorld();
    Object.assign(w.tasks[0] as object, { launchType: 'EC2', containerInstanceArn: 'arn:ci/1' });
    w.containerInstance = {
      versionInfo: { agentVersion: '1.58.0', dockerVersion: 'DockerVersion: 20.10' },
      attributes: [{ name: 'ecs.capability.execute-command' }],
    };
    const all = await checksOf(w);
    expect(all.find((c) => c.id === 'task.versions')?.status).toBe('yellow');
    expect(all.find((c) => c.id === 'container-instance.exec-capability')?.status).toBe('green');
  });

  it('task.exec-enabled red; managed agents skipped', async () => {
    const w = healthyWorld();
    Object.assign(w.tasks[0] as object, { enableExecuteCommand: false });
    Object.assign(w.tasks[0]?.containers?.[0] as object, { managedAgents: [] });
    const all = await checksOf(w);
    expect(all.find((c) => c.id === 'task.exec-enabled')?.status).toBe('red');
    expect(all.find((c) => c.id === 'container.managed-agent')?.status).toBe('unknown');
  });

  it('container.managed-agent red when STOPPED, yellow when PENDING, for every container', async () => {
    const w = healthyWorld();
    w.tasks[0]?.containers?.push({
      name: 'sidecar',
      runtimeId: 'r2',
      managedAgents: [{ name: 'ExecuteCommandAgent', lastStatus: 'STOPPED', reason: 'agent crashed' }],
    });
    w.taskDefinition.containerDefinitions?.push({ name: 'sidecar' });
    const all = await checksOf(w);
    const agents = all.filter((c) => c.id === 'container.managed-agent');
    expect(agents.map((c) => [c.container, c.status])).toEqual([
      ['app', 'green'],
      ['sidecar', 'red'],
    ]);
    Object.assign(w.tasks[0]?.containers?.[1]?.managedAgents?.[0] as object, { lastStatus: 'PENDING' });
    expect(
      (await checksOf(w)).find((c) => c.id === 'container.managed-agent' && c.container === 'sidecar')
        ?.status,
    ).toBe('yellow');
  });

  it('container.init-process yellow when not enabled', async () => {
    const w = healthyWorld();
    w.taskDefinition.containerDefinitions = [{ name: 'app' }];
    expect(await statusOf(w, 'container.init-process')).toBe('yellow');
  });

  it('container.readonly-rootfs red when true', async () => {
    const w = healthyWorld();
    w.taskDefinition.containerDefinitions = [
      { name: 'app', readonlyRootFilesystem: true, linuxParameters: { initProcessEnabled: true } },
    ];
    expect(await statusOf(w, 'container.readonly-rootfs')).toBe('red');
  });

  it('container.credentials yellow for environment, secrets and overrides; unknown for environmentFiles', async () => {
    for (const def of [
      { environment: [{ name: 'AWS_ACCESS_KEY_ID', value: 'x' }] },
      { secrets: [{ name: 'AWS_SECRET_ACCESS_KEY', valueFrom: 'arn:sm' }] },
    ]) {
      const w = healthyWorld();
      w.taskDefinition.containerDefinitions = [
        { name: 'app', linuxParameters: { initProcessEnabled: true }, ...def },
      ];
      expect(await statusOf(w, 'container.credentials')).toBe('yellow');
    }
    const o = healthyWorld();
    Object.assign(o.tasks[0] as object, {
      overrides: {
        containerOverrides: [{ name: 'app', environment: [{ name: 'AWS_ACCESS_KEY', value: 'x' }] }],
      },
    });
    expect(await statusOf(o, 'container.credentials')).toBe('yellow');
    const f = healthyWorld();
    f.taskDefinition.containerDefinitions = [
      { name: 'app', environmentFiles: [{ type: 's3', value: 'arn:aws:s3:::b/app.env' }] },
    ];
    expect(await statusOf(f, 'container.credentials')).toBe('unknown');
  });

  it('container.restart-policy yellow when enabled', async () => {
    const w = healthyWorld();
    w.taskDefinition.containerDefinitions = [{ name: 'app', restartPolicy: { enabled: true } }];
    expect(await statusOf(w, 'container.restart-policy')).toBe('yellow');
  });

  it('task.pid-mode yellow for task', async () => {
    const w = healthyWorld();
    w.taskDefinition.pidMode = 'task';
    expect(await statusOf(w, 'task.pid-mode')).toBe('yellow');
  });

  it('task-role.configured red without a role; overridden role used and reported', async () => {
    const w = healthyWorld();
    w.taskDefinition.taskRoleArn = undefined;
    expect(await statusOf(w, 'task-role.configured')).toBe('red');
    Object.assign(w.tasks[0] as object, { overrides: { taskRoleArn: `${ROLE_ARN}-2` } });
    const c = (await checksOf(w)).find((x) => x.id === 'task-role.configured');
    expect(c?.status).toBe('green');
    expect(c?.detail).toContain('overridden');
  });

  it('task-role.configured falls back to the EC2 instance role', async () => {
    const w = healthyWorld();
    w.taskDefinition.taskRoleArn = undefined;
    Object.assign(w.tasks[0] as object, { launchType: 'EC2', containerInstanceArn: 'arn:ci/1' });
    w.containerInstance = {
      ec2InstanceId: 'i-1',
      versionInfo: { agentVersion: '1.80.0' },
      attributes: [{ name: 'ecs.capability.execute-command' }],
    };
    w.instances.push({ InstanceId: 'i-1', profileArn: `arn:aws:iam::${ACCOUNT}:instance-profile/ecs-node` });
    w.instanceProfiles['ecs-node'] = `arn:aws:iam::${ACCOUNT}:role/ecs-node-role`;
    const c = (await checksOf(w)).find((x) => x.id === 'task-role.configured');
    expect(c?.evidence?.['arn']).toBe(`arn:aws:iam::${ACCOUNT}:role/ecs-node-role`);
  });

  it('task-role.ssmmessages red when one action is denied', async () => {
    const w = healthyWorld();
    w.denied.add(`${ROLE_ARN} ssmmessages:OpenDataChannel explicit`);
    const c = (await checksOf(w)).find((x) => x.id === 'task-role.ssmmessages');
    expect(c?.status).toBe('red');
    expect(c?.detail).toContain('ssmmessages:OpenDataChannel (explicitDeny)');
  });

  it('task-role.kms-decrypt red when denied', async () => {
    const w = withKms(healthyWorld());
    w.denied.add(`${ROLE_ARN} kms:Decrypt`);
    expect(await statusOf(w, 'task-role.kms-decrypt')).toBe('red');
  });

  it('task-role.cloudwatch-logging red when logs:PutLogEvents is denied', async () => {
    const w = withCloudWatch(healthyWorld(), false);
    w.denied.add(`${ROLE_ARN} logs:PutLogEvents`);
    expect(await statusOf(w, 'task-role.cloudwatch-logging')).toBe('red');
  });

  it('task-role.s3-logging red when s3:GetEncryptionConfiguration is denied with S3 encryption on', async () => {
    const w = healthyWorld();
    w.cluster = {
      clusterName: CLUSTER,
      configuration: {
        executeCommandConfiguration: {
          logging: 'OVERRIDE',
          logConfiguration: { s3BucketName: 'audit', s3KeyPrefix: 'exec/', s3EncryptionEnabled: true },
        },
      },
    };
    expect(await statusOf(w, 'task-role.s3-logging')).toBe('green');
    w.denied.add(`${ROLE_ARN} s3:GetEncryptionConfiguration`);
    expect(await statusOf(w, 'task-role.s3-logging')).toBe('red');
  });

  it('network.ssmmessages-endpoint yellow with other endpoints, red beside an ecs endpoint, green when present', async () => {
    const w = healthyWorld();
    w.endpoints.push({
      VpcEndpointId: 'vpce-1',
      VpcId: 'vpc-1',
      ServiceName: `com.amazonaws.${REGION}.ecr.api`,
    });
    expect(await statusOf(w, 'network.ssmmessages-endpoint')).toBe('yellow');
    w.endpoints.push({ VpcEndpointId: 'vpce-2', VpcId: 'vpc-1', ServiceName: `com.amazonaws.${REGION}.ecs` });
    expect(await statusOf(w, 'network.ssmmessages-endpoint')).toBe('red');
    w.endpoints.push({
      VpcEndpointId: 'vpce-3',
      VpcId: 'vpc-1',
      ServiceName: `com.amazonaws.${REGION}.ssmmessages`,
      State: 'available',
      PrivateDnsEnabled: true,
    });
    expect(await statusOf(w, 'network.ssmmessages-endpoint')).toBe('green');
  });

  it('network.ssmmessages-endpoint yellow when private DNS is off, red when not available', async () => {
    const w = healthyWorld();
    const ep = {
      VpcEndpointId: 'vpce-3',
      VpcId: 'vpc-1',
      ServiceName: `com.amazonaws.${REGION}.ssmmessages`,
      State: 'available',
      PrivateDnsEnabled: false,
    };
    w.endpoints.push(ep);
    expect(await statusOf(w, 'network.ssmmessages-endpoint')).toBe('yellow');
    ep.State = 'pending';
    expect(await statusOf(w, 'network.ssmmessages-endpoint')).toBe('red');
  });

  it('network.ssmmessages-endpoint unknown for a RAM-shared subnet (checker#72)', async () => {
    const w = healthyWorld();
    w.subnets = [{ SubnetId: 'subnet-1', VpcId: 'vpc-1', OwnerId: '999999999999' }];
    expect(await statusOf(w, 'network.ssmmessages-endpoint')).toBe('unknown');
  });

  it('network.kms/logs/s3 endpoints yellow when the VPC has endpoints but not those', async () => {
    const w = withKms(healthyWorld());
    const config = w.cluster?.configuration?.executeCommandConfiguration;
    if (config) {
      config.logging = 'OVERRIDE';
      config.logConfiguration = { cloudWatchLogGroupName: '/exec', s3BucketName: 'audit' };
    }
    w.logGroups.push({ logGroupName: '/exec' });
    w.endpoints.push({
      VpcEndpointId: 'vpce-3',
      VpcId: 'vpc-1',
      ServiceName: `com.amazonaws.${REGION}.ssmmessages`,
      State: 'available',
      PrivateDnsEnabled: true,
    });
    const all = await checksOf(w);
    for (const id of ['network.kms-endpoint', 'network.logs-endpoint', 'network.s3-endpoint']) {
      expect(all.find((c) => c.id === id)?.status, id).toBe('yellow');
    }
    w.endpoints.push({
      VpcEndpointId: 'vpce-4',
      VpcId: 'vpc-1',
      ServiceName: `com.amazonaws.${REGION}.s3`,
      VpcEndpointType: 'Gateway',
    });
    expect(await statusOf(w, 'network.s3-endpoint')).toBe('green');
  });

  it('exec.session-limit red when the container has reached the limit', async () => {
    const w = healthyWorld();
    const target = `ecs:${CLUSTER}_${TASK_ID}_${TASK_ID}-1111`;
    w.activeSessions.push({ Target: target });
    expect(await statusOf(w, 'exec.session-limit')).toBe('green');
    w.activeSessions.push({ Target: target });
    const c = (await checksOf(w)).find((x) => x.id === 'exec.session-limit');
    expect(c?.status).toBe('red');
    expect(c?.category).toBe('session-limit');
  });

  it('exec.attempt red and classified for each failure kind, with causes', async () => {
    const cases: Array<[Error, string]> = [
      [
        awsError(
          'TargetNotConnectedException',
          'The execute command failed due to an internal error. Try again later.',
        ),
        'target-not-connected',
      ],
      [
        awsError(
          'InvalidParameterException',
          'The execute command failed because execute command was not enabled when the task was run or the execute command agent isn’t running. Wait and try again or run a new task with execute command enabled and try again.',
        ),
        'exec-not-enabled',
      ],
      [
        awsError(
          'AccessDeniedException',
          `User: ${CALLER_ARN} is not authorized to perform: ecs:ExecuteCommand`,
        ),
        'access-denied',
      ],
      [
        awsError(
          'ClientException',
          'Unable to start new execute sessions because the maximum session limit of 2 has been reached.',
        ),
        'session-limit',
      ],
      [awsError('KMSInvalidStateException', 'key is disabled'), 'kms'],
      [awsError('ThrottlingException', 'Rate exceeded'), 'throttling'],
    ];
    for (const [err, category] of cases) {
      const c = (await checksOf(healthyWorld(), { execProbe: fakeProbe({ fail: err }) })).find(
        (x) => x.id === 'exec.attempt',
      );
      expect(c?.status, category).toBe('red');
      expect(c?.category, category).toBe(category);
      expect(c?.causes?.length, category).toBeGreaterThan(0);
    }
  });

  it('exec.attempt red with log-group-encryption when the session closes with that text', async () => {
    const c = (
      await checksOf(healthyWorld(), {
        execProbe: fakeProbe({
          stdout: '',
          endReason:
            "We couldn't start the session because encryption is not set up on the selected CloudWatch Logs log group.",
        }),
      })
    ).find((x) => x.id === 'exec.attempt');
    expect(c?.status).toBe('red');
    expect(c?.category).toBe('log-group-encryption');
  });

  it('exec.attempt unknown (skipped) without a probe', async () => {
    const env = fakeEnv(healthyWorld());
    const { execProbe: _, ...noProbe } = env;
    const r = await runDoctor(noProbe, { selection: { kind: 'tasks', cluster: CLUSTER, tasks: [TASK_ID] } });
    expect(r.targets[0]?.checks.find((c) => c.id === 'exec.attempt')?.status).toBe('unknown');
  });

  it('client.session-manager-plugin yellow when missing, green with a version', async () => {
    expect(
      await statusOf(healthyWorld(), 'client.session-manager-plugin', { pluginProbe: async () => undefined }),
    ).toBe('yellow');
    expect(
      await statusOf(healthyWorld(), 'client.session-manager-plugin', {
        pluginProbe: async () => '1.2.707.0',
      }),
    ).toBe('green');
  });
});

describe('exec.ssm-agent', () => {
  it('reports the in-container agent version and SessionWorkersLimit after a green attempt', async () => {
    const c = (await checksOf(healthyWorld())).find((x) => x.id === 'exec.ssm-agent');
    expect(c?.status).toBe('green');
    expect(c?.evidence).toMatchObject({ agentVersion: '3.3.1802.0', sessionWorkersLimit: 3 });
  });

  it('is unknown when the agent log cannot be read, and absent when the attempt failed', async () => {
    const w = healthyWorld();
    expect(
      await statusOf(w, 'exec.ssm-agent', {
        execProbe: fakeProbe({ agentProbeStdout: 'ecsdiag:config=\r\n' }),
      }),
    ).toBe('unknown');
    const failed = await checksOf(w, {
      execProbe: fakeProbe({ fail: awsError('TargetNotConnectedException') }),
    });
    expect(failed.some((c) => c.id === 'exec.ssm-agent')).toBe(false);
  });
});
