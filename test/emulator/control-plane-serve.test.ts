/**
 * `ecs-diag emulator serve` through `main`: prints the endpoint and the environment for the aws CLI
 * and SDKs, serves until the signal aborts, then stops every task it started.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { ECS } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { systemDeps } from '../../src/deps.js';
import { EXIT } from '../../src/exit-codes.js';

class Buffered {
  text = '';
  write(chunk: string) {
    this.text += chunk;
    return true;
  }
}

/** Host pids of processes whose command line is exactly `argv`. */
function processesRunning(argv: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ') === argv)
        pids.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

const waitFor = async (cond: () => boolean, ms: number) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('emulator serve', () => {
  it('prints the env, serves, and stops cleanly on abort', { timeout: 60_000 }, async () => {
    const stdout = new Buffered();
    const stderr = new Buffered();
    const ac = new AbortController();
    const done = main(
      ['emulator', 'serve', '--port', '0', '--time-scale', '0.01', '--profile', 'short-window'],
      {
        stdout,
        stderr,
        env: {},
        deps: systemDeps(),
        signal: ac.signal,
      },
    );
    await waitFor(() => stdout.text.includes('AWS_REGION'), 30_000);
    const env = Object.fromEntries(
      [...stdout.text.matchAll(/^export (\w+)=(.*)$/gm)].map((m) => [m[1], m[2]]),
    );
    expect(env).toMatchObject({
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_REGION: 'us-east-1',
    });
    expect(env['AWS_ENDPOINT_URL']).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(stderr.text).toContain('profile short-window');

    const ecs = new ECS({
      region: env['AWS_REGION'],
      endpoint: env['AWS_ENDPOINT_URL'],
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
    const taskArns = (await ecs.listTasks({})).taskArns ?? [];
    expect(taskArns).toHaveLength(1);
    // Start a command too (a unique one), so there is a session process to end.
    const command = 'sleep 6137';
    await ecs.executeCommand({ task: taskArns[0] as string, command, interactive: true });
    ecs.destroy();
    await waitFor(() => processesRunning(command).length === 1, 20_000);

    ac.abort(new Error('interrupted by SIGINT'));
    expect(await done).toBe(EXIT.OK);
    expect(stderr.text).toContain('emulator stopped');
    expect(processesRunning(command)).toEqual([]);
    await expect(fetch(env['AWS_ENDPOINT_URL'] as string, { method: 'POST' })).rejects.toThrow();
  });

  it('refuses a non-loopback host without --allow-remote', async () => {
    const stdout = new Buffered();
    const stderr = new Buffered();
    const code = await main(['emulator', 'serve', '--host', '0.0.0.0', '--port', '0'], {
      stdout,
      stderr,
      env: {},
      deps: systemDeps(),
    });
    expect(code).toBe(EXIT.USAGE);
    expect(stderr.text).toContain('[EMULATOR_REMOTE_REFUSED]');
  });

  it('refuses a bad profile with EMULATOR_BAD_PROFILE', async () => {
    const stdout = new Buffered();
    const stderr = new Buffered();
    const code = await main(['emulator', 'serve', '--port', '0', '--profile', '/nonexistent.json'], {
      stdout,
      stderr,
      env: {},
      deps: systemDeps(),
    });
    expect(code).toBe(EXIT.USAGE);
    expect(stderr.text).toContain('[EMULATOR_BAD_PROFILE]');
  });
});
