/**
 * The control plane through the wire door: the real SDK v3 clients, endpoint override, real HTTP,
 * a fake AgentHost. Error assertions use the SDK's error `name` (the AWS code) and AWS's texts
 * where aws-api.md gives them.
 */
import { ECS } from '@aws-sdk/client-ecs';
import { SSM } from '@aws-sdk/client-ssm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemDeps } from '../../src/deps.js';
import { type RunningEmulator, startEmulator } from '../../src/emulator/server.js';
import { FakeAgentHost } from './fake-agent-host.js';

let emu: RunningEmulator;
let agent: FakeAgentHost;
let ecs: ECS;
let ssm: SSM;

beforeEach(async () => {
  agent = new FakeAgentHost();
  emu = await startEmulator({ deps: systemDeps(), port: 0, agentHost: agent });
  const cfg = { region: emu.region, endpoint: emu.endpoint, credentials: emu.credentials, maxAttempts: 1 };
  ecs = new ECS(cfg);
  ssm = new SSM(cfg);
});

afterEach(async () => {
  ecs.destroy();
  ssm.destroy();
  await emu.close();
});

const defaultTask = async () => {
  const { taskArns } = await ecs.listTasks({ cluster: 'default' });
  expect(taskArns).toHaveLength(1);
  return taskArns?.[0] as string;
};

describe('zero-config state', () => {
  it('has cluster default with one RUNNING exec-enabled task whose container is app', async () => {
    const arn = await defaultTask();
    const { tasks, failures } = await ecs.describeTasks({ tasks: [arn] });
    expect(failures).toEqual([]);
    const t = tasks?.[0];
    expect(t?.lastStatus).toBe('RUNNING');
    expect(t?.enableExecuteCommand).toBe(true);
    expect(t?.createdAt).toBeInstanceOf(Date);
    const c = t?.containers?.[0];
    expect(c?.name).toBe('app');
    expect(c?.runtimeId).toMatch(/^[0-9a-f]{64}$/);
    expect(c?.managedAgents?.[0]).toMatchObject({ name: 'ExecuteCommandAgent', lastStatus: 'RUNNING' });
    expect(agent.tasks.size).toBe(1);
    expect([...agent.tasks.values()][0]?.spec).toMatchObject({
      containerName: 'app',
      sessionWorkersLimit: 2,
    });
  });
});

describe('clusters', () => {
  it('returns configuration only when include has CONFIGURATIONS, and MISSING failures', async () => {
    const configuration = {
      executeCommandConfiguration: {
        logging: 'OVERRIDE' as const,
        logConfiguration: { cloudWatchLogGroupName: '/aws/ecs/exec', cloudWatchEncryptionEnabled: true },
      },
    };
    const created = await ecs.createCluster({ clusterName: 'demo', configuration });
    expect(created.cluster?.clusterArn).toBe(`arn:aws:ecs:us-east-1:000000000000:cluster/demo`);
    const plain = await ecs.describeClusters({ clusters: ['demo', 'nope'] });
    expect(plain.clusters?.[0]?.configuration).toBeUndefined();
    expect(plain.failures).toEqual([
      { arn: 'arn:aws:ecs:us-east-1:000000000000:cluster/nope', reason: 'MISSING' },
    ]);
    const withCfg = await ecs.describeClusters({ clusters: ['demo'], include: ['CONFIGURATIONS'] });
    expect(withCfg.clusters?.[0]?.configuration).toEqual(configuration);
    const { clusterArns } = await ecs.listClusters({});
    expect(clusterArns).toHaveLength(2);
  });

  it('updates the exec configuration with UpdateCluster', async () => {
    const configuration = {
      executeCommandConfiguration: { kmsKeyId: 'alias/exec', logging: 'DEFAULT' as const },
    };
    const updated = await ecs.updateCluster({ cluster: 'default', configuration });
    expect(updated.cluster?.configuration).toEqual(configuration);
    const d = await ecs.describeClusters({ include: ['CONFIGURATIONS'] });
    expect(d.clusters?.[0]?.configuration).toEqual(configuration);
    await expect(ecs.updateCluster({ cluster: 'nope', configuration })).rejects.toMatchObject({
      name: 'ClusterNotFoundException',
    });
  });

  it('paginates ListClusters', async () => {
    await ecs.createCluster({ clusterName: 'a' });
    await ecs.createCluster({ clusterName: 'b' });
    const p1 = await ecs.listClusters({ maxResults: 2 });
    expect(p1.clusterArns).toHaveLength(2);
    expect(p1.nextToken).toBeDefined();
    const p2 = await ecs.listClusters({ maxResults: 2, nextToken: p1.nextToken });
    expect(p2.clusterArns).toHaveLength(1);
    expect(p2.nextToken).toBeUndefined();
  });
});

describe('task definitions and tasks', () => {
  it('registers, runs, describes and stops a task', async () => {
    await ecs.createCluster({ clusterName: 'demo' });
    const reg = await ecs.registerTaskDefinition({
      family: 'web',
      taskRoleArn: 'arn:aws:iam::000000000000:role/task',
      containerDefinitions: [{ name: 'web', image: 'busybox', command: ['sleep', '3600'] }],
    });
    expect(reg.taskDefinition?.revision).toBe(1);
    const again = await ecs.registerTaskDefinition({
      family: 'web',
      containerDefinitions: [{ name: 'web', image: 'x' }],
    });
    expect(again.taskDefinition?.revision).toBe(2);
    const described = await ecs.describeTaskDefinition({ taskDefinition: 'web:1' });
    expect(described.taskDefinition?.taskRoleArn).toBe('arn:aws:iam::000000000000:role/task');
    await expect(ecs.describeTaskDefinition({ taskDefinition: 'nope' })).rejects.toMatchObject({
      name: 'ClientException',
      message: 'Unable to describe task definition.',
    });

    const run = await ecs.runTask({ cluster: 'demo', taskDefinition: 'web:1', enableExecuteCommand: true });
    const task = run.tasks?.[0];
    expect(task?.lastStatus).toBe('RUNNING');
    const spec = [...agent.tasks.values()].find((t) => t.spec.clusterName === 'demo')?.spec;
    expect(spec).toMatchObject({ image: 'busybox', command: ['sleep', '3600'], containerName: 'web' });

    const listed = await ecs.listTasks({ cluster: 'demo', family: 'web' });
    expect(listed.taskArns).toEqual([task?.taskArn]);

    const stopped = await ecs.stopTask({ cluster: 'demo', task: task?.taskArn as string, reason: 'done' });
    expect(stopped.task?.lastStatus).toBe('STOPPED');
    expect(stopped.task?.stoppedReason).toBe('done');
    expect(agent.stopped).toContain(task?.taskArn?.split('/').pop());
    expect((await ecs.listTasks({ cluster: 'demo' })).taskArns).toEqual([]);
    expect((await ecs.listTasks({ cluster: 'demo', desiredStatus: 'STOPPED' })).taskArns).toHaveLength(1);
  });

  it('answers missing tasks with MISSING failures, unknown clusters with ClusterNotFoundException', async () => {
    const { failures } = await ecs.describeTasks({ tasks: ['ffffffffffffffffffffffffffffffff'] });
    expect(failures?.[0]?.reason).toBe('MISSING');
    await expect(ecs.describeTasks({ cluster: 'nope', tasks: ['x'] })).rejects.toMatchObject({
      name: 'ClusterNotFoundException',
      message: 'Cluster not found.',
    });
    await expect(ecs.describeTasks({ tasks: [] })).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: 'Tasks cannot be empty.',
    });
  });
});

describe('ExecuteCommand', () => {
  it('starts the command and an SSM session with target ecs:<cluster>_<task>_<runtimeId>', async () => {
    const arn = await defaultTask();
    const out = await ecs.executeCommand({ task: arn, command: '/bin/sh -c "sleep 1"', interactive: true });
    expect(out.containerName).toBe('app');
    expect(out.session?.sessionId).toMatch(/^ecs-execute-command-[0-9a-f]{17}$/);
    expect(out.session?.streamUrl).toBe(
      `${emu.endpoint.replace('http', 'ws')}/v1/data-channel/${out.session?.sessionId}?role=publish_subscribe`,
    );
    expect(out.session?.tokenValue?.length).toBeGreaterThan(20);
    expect(agent.sessions.map((s) => s.command)).toEqual(['/bin/sh -c "sleep 1"']);

    const { tasks } = await ecs.describeTasks({ tasks: [arn] });
    const runtimeId = tasks?.[0]?.containers?.[0]?.runtimeId;
    const { Sessions } = await ssm.describeSessions({ State: 'Active' });
    expect(Sessions).toHaveLength(1);
    expect(Sessions?.[0]).toMatchObject({
      SessionId: out.session?.sessionId,
      Target: `ecs:default_${arn.split('/').pop()}_${runtimeId}`,
      Status: 'Connected',
      DocumentName: 'AmazonECS-ExecuteInteractiveCommand',
    });
    expect(Sessions?.[0]?.StartDate).toBeInstanceOf(Date);
    const target = Sessions?.[0]?.Target as string;
    expect((await ssm.getConnectionStatus({ Target: target })).Status).toBe('connected');
    expect(
      (await ssm.getConnectionStatus({ Target: 'ecs:default_ffffffffffffffffffffffffffffffff_00' })).Status,
    ).toBe('notconnected');
  });

  it('refuses with the exact AWS texts', async () => {
    const arn = await defaultTask();
    await expect(ecs.executeCommand({ task: arn, command: 'sh', interactive: false })).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: 'Interactive is the only mode supported currently.',
    });
    await expect(
      ecs.executeCommand({ cluster: 'nope', task: arn, command: 'sh', interactive: true }),
    ).rejects.toMatchObject({
      name: 'ClusterNotFoundException',
      message: 'Cluster not found.',
    });
    await expect(ecs.executeCommand({ task: 'abc', command: 'sh', interactive: true })).rejects.toMatchObject(
      {
        name: 'InvalidParameterException',
        message: 'task length should be one of [32,36]',
      },
    );
    await expect(
      ecs.executeCommand({ task: arn, container: 'nope', command: 'sh', interactive: true }),
    ).rejects.toMatchObject({
      name: 'InvalidParameterException',
    });
    // A task run without enableExecuteCommand.
    await ecs.registerTaskDefinition({
      family: 'plain',
      containerDefinitions: [{ name: 'app', image: 'x' }],
    });
    const run = await ecs.runTask({ taskDefinition: 'plain' });
    const plain = run.tasks?.[0]?.taskArn as string;
    const described = await ecs.describeTasks({ tasks: [plain] });
    expect(described.tasks?.[0]?.enableExecuteCommand).toBe(false);
    expect(described.tasks?.[0]?.containers?.[0]?.managedAgents).toBeUndefined();
    await expect(ecs.executeCommand({ task: plain, command: 'sh', interactive: true })).rejects.toMatchObject(
      {
        name: 'InvalidParameterException',
        message:
          'The execute command failed because execute command was not enabled when the task was run or the execute command agent isn\u2019t running. Wait and try again or run a new task with execute command enabled and try again.',
      },
    );
    // The agent cannot start the command.
    agent.failSessions = true;
    await expect(ecs.executeCommand({ task: arn, command: 'sh', interactive: true })).rejects.toMatchObject({
      name: 'TargetNotConnectedException',
      message: 'The execute command failed due to an internal error. Try again later.',
    });
  });

  it('validates required members itself (the SDK does not)', async () => {
    const arn = await defaultTask();
    await expect(ecs.executeCommand({ task: arn, interactive: true } as never)).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message:
        "1 validation error detected: Value null at 'command' failed to satisfy constraint: Member must not be null",
    });
  });

  it('enforces SessionWorkersLimit from the task agent config', async () => {
    const arn = await defaultTask();
    await ecs.executeCommand({ task: arn, command: 'sleep 100', interactive: true });
    await ecs.executeCommand({ task: arn, command: 'sleep 100', interactive: true });
    await expect(
      ecs.executeCommand({ task: arn, command: 'sleep 100', interactive: true }),
    ).rejects.toMatchObject({
      name: 'ClientException',
      message:
        'Unable to start new execute sessions because the maximum session limit of 2 has been reached.',
    });
    // A session whose command ended frees its worker.
    agent.sessions[0]?.end({ kind: 'exited', exitStatus: 0, signal: null });
    await new Promise((r) => setImmediate(r));
    await ecs.executeCommand({ task: arn, command: 'sleep 100', interactive: true });
  });

  it('reads a different limit from amazon-ssm-agent.json', async () => {
    agent.workersLimit = 3;
    await ecs.registerTaskDefinition({
      family: 'three',
      containerDefinitions: [{ name: 'app', image: 'x' }],
    });
    const run = await ecs.runTask({ taskDefinition: 'three', enableExecuteCommand: true });
    const arn = run.tasks?.[0]?.taskArn as string;
    for (let i = 0; i < 3; i++)
      await ecs.executeCommand({ task: arn, command: 'sleep 100', interactive: true });
    await expect(
      ecs.executeCommand({ task: arn, command: 'sleep 100', interactive: true }),
    ).rejects.toMatchObject({
      message:
        'Unable to start new execute sessions because the maximum session limit of 3 has been reached.',
    });
  });
});

describe('SSM sessions', () => {
  it('terminates, keeps history, refuses to resume a terminated session', async () => {
    const arn = await defaultTask();
    const out = await ecs.executeCommand({ task: arn, command: 'sleep 100', interactive: true });
    const id = out.session?.sessionId as string;
    const resumed = await ssm.resumeSession({ SessionId: id });
    expect(resumed.SessionId).toBe(id);
    expect(resumed.TokenValue).not.toBe(out.session?.tokenValue);
    expect(resumed.StreamUrl).toBe(out.session?.streamUrl);

    expect((await ssm.terminateSession({ SessionId: id })).SessionId).toBe(id);
    expect(agent.sessions[0]?.cancels).toEqual(['terminated']);
    expect((await ssm.describeSessions({ State: 'Active' })).Sessions).toEqual([]);
    const history = await ssm.describeSessions({ State: 'History' });
    expect(history.Sessions?.[0]).toMatchObject({ SessionId: id, Status: 'Terminated' });
    expect(history.Sessions?.[0]?.EndDate).toBeInstanceOf(Date);
    await expect(ssm.resumeSession({ SessionId: id })).rejects.toMatchObject({
      name: 'DoesNotExistException',
    });
    // Unknown ids are echoed, as the model allows.
    expect((await ssm.terminateSession({ SessionId: 'nope' })).SessionId).toBe('nope');
  });

  it('filters, paginates and rejects bad filter keys', async () => {
    const arn = await defaultTask();
    agent.workersLimit = 10;
    const a = await ecs.executeCommand({ task: arn, command: 'sleep 1', interactive: true });
    await ecs.executeCommand({ task: arn, command: 'sleep 2', interactive: true });
    const byId = await ssm.describeSessions({
      State: 'Active',
      Filters: [{ key: 'SessionId', value: a.session?.sessionId as string }],
    });
    expect(byId.Sessions?.map((s) => s.SessionId)).toEqual([a.session?.sessionId]);
    const after = await ssm.describeSessions({
      State: 'Active',
      Filters: [{ key: 'InvokedAfter', value: '2000-01-01T00:00:00Z' }],
    });
    expect(after.Sessions).toHaveLength(2);
    const before = await ssm.describeSessions({
      State: 'Active',
      Filters: [{ key: 'InvokedBefore', value: '2000-01-01T00:00:00Z' }],
    });
    expect(before.Sessions).toHaveLength(0);
    const p1 = await ssm.describeSessions({ State: 'Active', MaxResults: 1 });
    expect(p1.Sessions).toHaveLength(1);
    const p2 = await ssm.describeSessions({ State: 'Active', MaxResults: 1, NextToken: p1.NextToken });
    expect(p2.Sessions).toHaveLength(1);
    expect(p2.NextToken).toBeUndefined();
    await expect(
      ssm.describeSessions({ State: 'Active', Filters: [{ key: 'Bogus' as never, value: 'x' }] }),
    ).rejects.toMatchObject({
      name: 'InvalidFilterKey',
    });
    await expect(ssm.describeSessions({ State: 'Active', NextToken: 'garbage' })).rejects.toMatchObject({
      name: 'InvalidNextToken',
    });
  });
});

describe('Session Manager preferences documents', () => {
  const prefs = (idle: string, max = '') =>
    JSON.stringify({
      schemaVersion: '1.0',
      description: 'Document to hold regional settings for Session Manager',
      sessionType: 'Standard_Stream',
      inputs: {
        s3EncryptionEnabled: true,
        cloudWatchEncryptionEnabled: true,
        cloudWatchStreamingEnabled: false,
        runAsEnabled: false,
        idleSessionTimeout: idle,
        maxSessionDuration: max,
      },
    });

  it('creates, versions and moves the default version as SSM does', async () => {
    await expect(ssm.getDocument({ Name: 'SSM-SessionManagerRunShell' })).rejects.toMatchObject({
      name: 'InvalidDocument',
      message: 'The specified document does not exist.',
    });
    const created = await ssm.createDocument({
      Name: 'SSM-SessionManagerRunShell',
      Content: prefs('20'),
      DocumentType: 'Session',
      DocumentFormat: 'JSON',
    });
    expect(created.DocumentDescription).toMatchObject({
      DocumentVersion: '1',
      DefaultVersion: '1',
      LatestVersion: '1',
    });
    await expect(
      ssm.createDocument({
        Name: 'SSM-SessionManagerRunShell',
        Content: prefs('20'),
        DocumentType: 'Session',
      }),
    ).rejects.toMatchObject({
      name: 'DocumentAlreadyExists',
      message: 'Document with same name SSM-SessionManagerRunShell already exists',
    });

    const updated = await ssm.updateDocument({
      Name: 'SSM-SessionManagerRunShell',
      Content: prefs('60', '1440'),
      DocumentVersion: '$LATEST',
    });
    expect(updated.DocumentDescription).toMatchObject({
      DocumentVersion: '2',
      DefaultVersion: '1',
      LatestVersion: '2',
    });
    await expect(
      ssm.updateDocument({
        Name: 'SSM-SessionManagerRunShell',
        Content: prefs('60', '1440'),
        DocumentVersion: '$LATEST',
      }),
    ).rejects.toMatchObject({ name: 'DuplicateDocumentContent' });
    expect(
      JSON.parse((await ssm.getDocument({ Name: 'SSM-SessionManagerRunShell' })).Content ?? '').inputs
        .idleSessionTimeout,
    ).toBe('20');
    await ssm.updateDocumentDefaultVersion({ Name: 'SSM-SessionManagerRunShell', DocumentVersion: '2' });
    const got = await ssm.getDocument({ Name: 'SSM-SessionManagerRunShell' });
    expect(got.DocumentVersion).toBe('2');
    expect(JSON.parse(got.Content ?? '').inputs.idleSessionTimeout).toBe('60');
    const d = await ssm.describeDocument({ Name: 'SSM-SessionManagerRunShell' });
    expect(d.Document).toMatchObject({ DefaultVersion: '2', LatestVersion: '2', DocumentType: 'Session' });
    await expect(
      ssm.updateDocumentDefaultVersion({ Name: 'SSM-SessionManagerRunShell', DocumentVersion: '9' }),
    ).rejects.toMatchObject({
      name: 'InvalidDocumentVersion',
    });
  });

  it('validates idleSessionTimeout 1-60 and maxSessionDuration 1-1440', async () => {
    for (const [idle, max] of [
      ['0', ''],
      ['61', ''],
      ['20', '1441'],
      ['20', '0'],
      ['abc', ''],
    ]) {
      await expect(
        ssm.createDocument({
          Name: 'SSM-SessionManagerRunShell',
          Content: prefs(idle as string, max),
          DocumentType: 'Session',
        }),
      ).rejects.toMatchObject({ name: 'InvalidDocumentContent' });
    }
    await ssm.createDocument({
      Name: 'SSM-SessionManagerRunShell',
      Content: prefs('1', '1440'),
      DocumentType: 'Session',
    });
  });

  it('serves the ECS exec document read-only', async () => {
    const d = await ssm.getDocument({ Name: 'AmazonECS-ExecuteInteractiveCommand' });
    expect(JSON.parse(d.Content ?? '').sessionType).toBe('InteractiveCommands');
    await expect(
      ssm.updateDocument({
        Name: 'AmazonECS-ExecuteInteractiveCommand',
        Content: '{"schemaVersion":"1.0","sessionType":"Port"}',
      }),
    ).rejects.toMatchObject({ name: 'InvalidDocumentOperation' });
  });
});
