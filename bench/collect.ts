/**
 * `npm run bench -- collect`: a 40 MB agent log pulled out of an emulator task.
 *
 * Measured in the same run, through the same data channel and the same agent output pump
 * (1024-byte reads, 1 ms apart, as the real agent):
 * - collect-logs' transfer (gzip + base64 in the container, chunked, sha256-verified);
 * - the naive way: a plain `cat` of the file (exact bytes thanks to the wrapper's stty).
 * Target: at least 5x the naive way.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { makeAwsClients } from '../src/aws/clients.js';
import { systemDeps } from '../src/deps.js';
import { startEmulator } from '../src/emulator/server.js';
import { parseProbe, probeScript } from '../src/scenarios/collect/artifacts.js';
import { execRemoteShell } from '../src/scenarios/collect/remote-shell.js';
import { pickEncoding, readRange } from '../src/scenarios/collect/transfer.js';
import { remoteExec } from '../src/scenarios/remote-exec.js';

const SIZE = 40_000_000;
// The rolled copy: the agent appends to the live log while sessions run, which the transfer would
// rightly report as changed while read.
const PATH = '/var/log/amazon/ssm/amazon-ssm-agent.log.1';

/** A realistic agent log: repeated line shapes with varying ids and counters. */
function agentLog(size: number): Buffer {
  const parts: string[] = [];
  let n = 0;
  for (let i = 0; n < size; i++) {
    const sid = `ecs-execute-command-${(i % 397).toString(16).padStart(17, '0')}`;
    const msgs = [
      'Stopping pty',
      'The session was cancelled',
      `Setting up datachannel for session: ${sid}`,
      'Starting websocket pinger',
    ];
    const l = `2024-05-01 ${String(10 + (Math.floor(i / 3600) % 12)).padStart(2, '0')}:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')} INFO [ssm-session-worker] [${sid}] [DataBackend] [pluginName=InteractiveCommands] ${msgs[i % msgs.length]}\n`;
    parts.push(l);
    n += l.length;
  }
  return Buffer.from(parts.join('')).subarray(0, size);
}

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

export async function run(): Promise<void> {
  const deps = systemDeps();
  const emu = await startEmulator({ deps, port: 0 });
  const clients = makeAwsClients({
    region: emu.region,
    endpoint: emu.endpoint,
    credentials: emu.credentials,
  });
  try {
    const taskId =
      ((await clients.ecs.listTasks({ cluster: 'default' })).taskArns?.[0] ?? '').split('/').pop() ?? '';
    const root = emu.task(taskId)?.rootDir;
    if (!root) throw new Error('no emulator task');
    const log = agentLog(SIZE);
    mkdirSync(dirname(join(root, PATH)), { recursive: true });
    writeFileSync(join(root, PATH), log);
    const target = { cluster: 'default', task: taskId, container: 'app' };
    const shell = execRemoteShell(clients, target, { deps });

    let t = performance.now();
    const probe = parseProbe(
      Buffer.from((await shell.run(probeScript({ paths: [PATH] }))).stdout).toString(),
    );
    const encoding = pickEncoding(probe.tools);
    const fast = await readRange(shell, PATH, 0, SIZE, { encoding, chunkBytes: 16 * 1024 * 1024 });
    const fastS = (performance.now() - t) / 1000;
    if (sha(fast) !== sha(log) || probe.files[0]?.sha256 !== sha(log))
      throw new Error('collect transfer corrupted the file');

    t = performance.now();
    const naive = await remoteExec(clients, target, `cat ${PATH}`, { deps });
    const naiveS = (performance.now() - t) / 1000;
    const naiveOk = naive.exitCode === 0 && sha(naive.stdout) === sha(log);

    const mb = SIZE / 1e6;
    process.stdout.write(
      [
        `file: ${mb} MB agent log in an emulator task (agent pump: ${emu.profile.pump.chunkBytes} B reads, ${emu.profile.pump.readIntervalMs} ms apart)`,
        `collect-logs (${encoding}, verified):  ${fastS.toFixed(1)} s  ${(mb / fastS).toFixed(2)} MB/s`,
        `naive cat (baseline, ${naiveOk ? 'exact' : 'NOT exact'}):   ${naiveS.toFixed(1)} s  ${(mb / naiveS).toFixed(2)} MB/s`,
        `ratio: ${(naiveS / fastS).toFixed(1)}x the naive way (target >= 5x)`,
        '',
      ].join('\n'),
    );
  } finally {
    clients.destroy();
    await emu.close();
  }
}
