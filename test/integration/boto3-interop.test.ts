/**
 * Clients nobody here wrote, against startEmulator on a loopback port: python3 boto3 and the
 * `aws` CLI, configured only through the environment `emulator serve` prints.
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemDeps } from '../../src/deps.js';
import { emulatorClientEnv, type RunningEmulator, startEmulator } from '../../src/emulator/server.js';

const run = promisify(execFile);
const SCRIPT = resolve(import.meta.dirname, '../interop/boto3_ecs_exec.py');

const has = async (cmd: string, args: string[]) => {
  try {
    await run(cmd, args, { timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
};
const hasBoto3 = await has('python3', ['-c', 'import boto3']);
const hasAwsCli = await has('aws', ['--version']);

let emu: RunningEmulator;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  // The real agent host: tasks are sandboxes, ExecuteCommand runs the command for real.
  emu = await startEmulator({ deps: systemDeps(), port: 0 });
  env = {
    PATH: process.env['PATH'],
    HOME: process.env['HOME'],
    // Exactly what `emulator serve` prints, and nothing else from the AWS side.
    ...emulatorClientEnv(emu),
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_EC2_METADATA_DISABLED: 'true',
    PYTHONUNBUFFERED: '1',
  };
});
afterAll(() => emu.close());

describe.skipIf(!hasBoto3)('boto3', () => {
  it('runs the ECS Exec control-plane flow and the preferences documents', { timeout: 60_000 }, async () => {
    const { stdout } = await run('python3', [SCRIPT], { env, timeout: 60_000 }).catch(
      (err: { stdout?: string }) => {
        throw new Error(`boto3 script failed: ${err.stdout ?? String(err)}`);
      },
    );
    const out = JSON.parse(stdout.trim().split('\n').pop() ?? '{}');
    expect(out.ok).toBe(true);
    expect(out.seen.lastStatus).toBe('RUNNING');
    expect(out.seen.idleSessionTimeout).toBe('60');
    expect(out.seen.streamUrl).toContain(emu.endpoint.replace('http://', 'ws://'));
  });
});

describe.skipIf(!hasAwsCli)('aws CLI', () => {
  const aws = async (...args: string[]) => {
    const { stdout } = await run('aws', [...args, '--endpoint-url', emu.endpoint, '--output', 'json'], {
      env,
      timeout: 60_000,
    });
    return JSON.parse(stdout);
  };

  it('lists and describes the zero-config task, describes sessions, shows AWS errors', {
    timeout: 90_000,
  }, async () => {
    // Independent calls run side by side: the CLI takes seconds to start.
    const [listed, sessions, failed] = await Promise.all([
      aws('ecs', 'list-tasks', '--cluster', 'default'),
      aws('ssm', 'describe-sessions', '--state', 'History'),
      run('aws', ['ecs', 'list-tasks', '--cluster', 'nope', '--endpoint-url', emu.endpoint], { env }).then(
        () => ({ code: 0, stderr: '' }),
        (e: { stderr: string; code: number }) => e,
      ),
    ]);
    expect(Array.isArray(sessions.Sessions)).toBe(true);
    expect(failed.code).not.toBe(0);
    expect(failed.stderr).toContain('(ClusterNotFoundException)');
    expect(failed.stderr).toContain('Cluster not found.');
    expect(listed.taskArns).toHaveLength(1);
    const described = await aws(
      'ecs',
      'describe-tasks',
      '--cluster',
      'default',
      '--tasks',
      listed.taskArns[0],
    );
    const task = described.tasks[0];
    expect(task.lastStatus).toBe('RUNNING');
    expect(task.enableExecuteCommand).toBe(true);
    expect(task.containers[0].name).toBe('app');
    expect(task.containers[0].managedAgents[0]).toMatchObject({
      name: 'ExecuteCommandAgent',
      lastStatus: 'RUNNING',
    });
  });
});
