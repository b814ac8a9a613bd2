/**
 * collect-logs against the embedded emulator: real sandboxed tasks, the real data channel,
 * real SDK clients. Every file must arrive byte-identical or be reported as failed.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsClients, makeAwsClients } from '../../src/aws/clients.js';
import { systemDeps } from '../../src/deps.js';
import { type RunningEmulator, startEmulator } from '../../src/emulator/server.js';
import { analyzeLogs } from '../../src/logs/analyze.js';
import { type CollectOptions, collectLogs } from '../../src/scenarios/collect/collect.js';
import { createCollectionDir } from '../../src/scenarios/collect/collection-dir.js';
import { execRemoteShell } from '../../src/scenarios/collect/remote-shell.js';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

let emu: RunningEmulator;
let clients: AwsClients;
let taskId: string;
let out: string;

function put(root: string, path: string, bytes: Uint8Array | string): void {
  const p = join(root, path);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, bytes);
}

function collectOpts(task: string, container: string, extra: Partial<CollectOptions> = {}): CollectOptions {
  const deps = systemDeps();
  return {
    clients,
    targetKind: 'local',
    cluster: 'default',
    task,
    container,
    openSink: (base) => createCollectionDir(out, base),
    shellFor: (c) => execRemoteShell(clients, { cluster: 'default', task, container: c }, { deps }),
    deps,
    ...extra,
  };
}

beforeAll(async () => {
  emu = await startEmulator({ deps: systemDeps(), port: 0 });
  clients = makeAwsClients({ region: emu.region, endpoint: emu.endpoint, credentials: emu.credentials });
  const arns = (await clients.ecs.listTasks({ cluster: 'default' })).taskArns ?? [];
  taskId = (arns[0] ?? '').split('/').pop() ?? '';
  out = mkdtempSync(join(tmpdir(), 'ecs-diag-collect-it-'));
}, 60_000);

afterAll(async () => {
  clients?.destroy();
  await emu?.close();
});

describe('collect-logs on the emulator', () => {
  it('pulls a 40 MB agent log, binary files and odd names byte-identical, lists missing ones', async () => {
    const root = emu.task(taskId)?.rootDir;
    expect(root).toBeDefined();
    // A 40 MB agent log in the real line format, with varied content.
    const lines: string[] = [];
    let size = 0;
    for (let i = 0; size < 40_000_000; i++) {
      const l = `2024-05-01 12:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')} INFO [ssm-session-worker] [ecs-execute-command-${(i % 977).toString(16).padStart(17, '0')}] [DataBackend] [pluginName=InteractiveCommands] line ${i} ${i % 7 === 0 ? randomBytes(2).toString('hex') : 'Stopping pty'}\n`;
      lines.push(l);
      size += l.length;
    }
    const bigLog = Buffer.from(lines.join(''));
    put(root as string, 'var/log/amazon/ssm/amazon-ssm-agent.log.1', bigLog);
    const binary = randomBytes(256 * 1024);
    put(root as string, 'nohup.out', binary);
    const oddDir =
      'var/lib/amazon/ssm/abc/session/orchestration/ecs-execute-command-odd name \'q\' "dq"/InteractiveCommands';
    put(
      root as string,
      `${oddDir}/it's a "file".log`,
      'Script started on 2024-05-01 12:00:00+00:00 [<not executed on terminal>]\nhi\n',
    );

    const { dir, manifest } = await collectLogs(collectOpts(taskId, 'app', { chunkBytes: 16 * 1024 * 1024 }));
    expect(manifest.partial).toBe(false);
    const byPath = new Map(manifest.files.map((f) => [f.path, f]));
    const big = byPath.get('/var/log/amazon/ssm/amazon-ssm-agent.log.1');
    expect(big).toMatchObject({
      size: bigLog.length,
      sha256: sha(bigLog),
      verified: true,
      obtainedBy: 'gzip+base64',
    });
    expect(sha(readFileSync(join(dir, big?.localPath ?? '')))).toBe(sha(bigLog));
    expect(byPath.get('/nohup.out')).toMatchObject({ sha256: sha(binary), verified: true });
    const odd = byPath.get(`/${oddDir}/it's a "file".log`);
    expect(odd?.verified).toBe(true);
    expect(readFileSync(join(dir, odd?.localPath ?? ''), 'utf8')).toContain('hi');
    expect(manifest.missing).toContain('/var/log/amazon/ssm/errors.log.1');
    // The agent's own logs and config are there too, plus the control plane and commands.
    expect(byPath.get('/var/log/amazon/ssm/amazon-ssm-agent.log')?.verified).toBe(true);
    expect(byPath.get('/managed-agents/execute-command/configuration/amazon-ssm-agent.json')?.verified).toBe(
      true,
    );
    expect(byPath.has('control-plane/describe-tasks.json')).toBe(true);
    expect(byPath.has('control-plane/describe-sessions-history.json')).toBe(true);
    expect(readFileSync(join(dir, byPath.get('commands/ps.txt')?.localPath ?? ''), 'utf8')).toMatch(
      /tail|sleep|PID/,
    );
    const onDisk = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    expect(onDisk.files.length).toBe(manifest.files.length);

    // analyze reads the collection directory.
    const analysis = await analyzeLogs({ paths: [dir] });
    expect(analysis.sessions.length).toBeGreaterThan(0);
  }, 180_000);

  it('never writes to an existing directory', async () => {
    const a = await collectLogs(collectOpts(taskId, 'app', { maxBytes: 1000 }));
    const b = await collectLogs(collectOpts(taskId, 'app', { maxBytes: 1000 }));
    expect(a.dir).not.toBe(b.dir);
    const agentLog = a.manifest.files.find((f) => f.path === '/var/log/amazon/ssm/amazon-ssm-agent.log');
    expect(agentLog?.size).toBeLessThanOrEqual(1000);
    expect(agentLog?.verified).toBe(true);
  }, 120_000);

  it('faults on the data channel end byte-identical or as an explicit failure', async () => {
    const root = emu.task(taskId)?.rootDir as string;
    const payload = randomBytes(96 * 1024);
    put(root, 'nohup.out', payload);
    const rules = [
      emu.faults.atRate('drop', 'out', 0.02, { messageType: 'output_stream_data' }),
      emu.faults.atRate('duplicate', 'out', 0.02),
      emu.faults.atRate('reorder', 'out', 0.02, { delayMs: 50 }),
      emu.faults.atRate('corrupt-digest', 'out', 0.01, { messageType: 'output_stream_data' }),
    ];
    try {
      const { dir, manifest } = await collectLogs(collectOpts(taskId, 'app'));
      const f = manifest.files.find((x) => x.path === '/nohup.out');
      if (f) {
        expect(f.sha256).toBe(sha(payload));
        expect(sha(readFileSync(join(dir, f.localPath)))).toBe(sha(payload));
      } else {
        expect(manifest.partial).toBe(true);
        expect(manifest.errors.some((e) => e.path === '/nohup.out')).toBe(true);
      }
      for (const file of manifest.files.filter((x) => x.obtainedBy === 'gzip+base64')) {
        expect(file.verified).toBe(true);
      }
    } finally {
      for (const r of rules) r.clear();
    }
  }, 180_000);

  it('a container without gzip or base64 is collected another exact way', async () => {
    const td = await clients.ecs.registerTaskDefinition({
      family: 'minimal',
      containerDefinitions: [
        { name: 'mini', image: 'busybox:stable', command: ['sleep', '100000'], essential: true },
      ],
    });
    const run = await clients.ecs.runTask({
      cluster: 'default',
      taskDefinition: td.taskDefinition?.taskDefinitionArn,
      enableExecuteCommand: true,
    });
    const miniTask = (run.tasks?.[0]?.taskArn ?? '').split('/').pop() ?? '';
    const root = emu.task(miniTask)?.rootDir as string;
    const binary = randomBytes(64 * 1024);
    put(root, 'nohup.out', binary);
    const { manifest } = await collectLogs(collectOpts(miniTask, 'mini'));
    expect(manifest.tools?.gzip).toBe(false);
    expect(manifest.encoding).not.toBe('gzip+base64');
    expect(manifest.files.find((f) => f.path === '/nohup.out')).toMatchObject({
      sha256: sha(binary),
      verified: true,
    });
  }, 120_000);
});
