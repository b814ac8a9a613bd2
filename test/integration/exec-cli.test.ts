/**
 * `ecs-diag exec` end to end against the emulator (real HTTP, SigV4, real WebSocket, the real
 * agent on a pty in the default task): exact stdout, the remote exit code as ours, 255 when the
 * session is killed, 124 on --timeout, 2 on bad input.
 */
import { Writable } from 'node:stream';
import { ECS } from '@aws-sdk/client-ecs';
import { SSM } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { systemDeps } from '../../src/deps.js';
import { type RunningEmulator, startEmulator } from '../../src/emulator/server.js';
import { EXIT } from '../../src/exit-codes.js';

let emu: RunningEmulator;
let taskId: string;

beforeAll(async () => {
  emu = await startEmulator({ deps: systemDeps(), port: 0 });
  const ecs = new ECS({ region: emu.region, endpoint: emu.endpoint, credentials: emu.credentials });
  const { taskArns } = await ecs.listTasks({ cluster: 'default' });
  ecs.destroy();
  taskId = (taskArns?.[0] ?? '').split('/').pop() ?? '';
}, 60_000);
afterAll(async () => {
  await emu?.close();
});

/** Runs the CLI; stdout is captured as bytes. */
async function cli(args: string[], signal?: AbortSignal) {
  const out: Buffer[] = [];
  let err = '';
  const stdout = new Writable({
    write(chunk: Buffer | string, _enc, cb) {
      out.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
      cb();
    },
  });
  const stderr = { write: (s: string) => (err += s) };
  const code = await main(
    ['exec', '--endpoint-url', emu.endpoint, '--cluster', 'default', '--task', taskId, ...args],
    {
      stdout,
      stderr,
      env: {},
      deps: systemDeps(),
      ...(signal ? { signal } : {}),
    },
  );
  return { code, stdout: Buffer.concat(out), stderr: err };
}

describe('ecs-diag exec (emulator)', { timeout: 60_000 }, () => {
  it('finds the default task', () => {
    expect(taskId).toMatch(/^[0-9a-f]{32}$/);
  });

  it('passes the remote exit code through and prints stdout exactly (no CR)', async () => {
    const r = await cli(['--', "printf 'a\\nb'; exit 7"]);
    expect(r.stdout.toString()).toBe('a\nb');
    expect(r.code).toBe(7);
  });

  it('several words are an argv, each passed unchanged', async () => {
    const r = await cli(['--', 'printf', '%s|', 'a b', "it's", '$HOME']);
    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toBe("a b|it's|$HOME|");
  });

  it('--json prints one document with the exit code and the output', async () => {
    const r = await cli(['--json', '--', 'echo out; exit 3']);
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stdout.toString())).toMatchObject({
      exitCode: 3,
      stdout: 'out\n',
      end: { kind: 'completed' },
    });
  });

  it('exits 255 when the session is terminated before the command ends', async () => {
    const ssm = new SSM({ region: emu.region, endpoint: emu.endpoint, credentials: emu.credentials });
    const running = cli(['--', 'echo started; sleep 60']);
    let sessionId: string | undefined;
    for (let i = 0; i < 100 && !sessionId; i++) {
      await new Promise((r) => setTimeout(r, 200));
      const { Sessions } = await ssm.describeSessions({ State: 'Active' });
      sessionId = Sessions?.[0]?.SessionId;
    }
    expect(sessionId).toBeDefined();
    await new Promise((r) => setTimeout(r, 1500));
    await ssm.terminateSession({ SessionId: sessionId });
    const r = await running;
    ssm.destroy();
    expect(r.code).toBe(EXIT.SESSION_LOST);
    expect(r.stderr).toMatch(/did not finish/);
  });

  it('exits 124 on --timeout', async () => {
    const r = await cli(['--timeout', '2', '--', 'sleep 30']);
    expect(r.code).toBe(EXIT.TIMED_OUT);
  });

  it('exits 2 without a command, and for a missing task', async () => {
    expect((await cli([])).code).toBe(EXIT.USAGE);
    const out: string[] = [];
    const code = await main(
      ['exec', '--endpoint-url', emu.endpoint, '--cluster', 'default', '--task', 'nope', '--', 'true'],
      {
        stdout: { write: (s: string) => out.push(s) },
        stderr: { write: (s: string) => out.push(s) },
        env: {},
        deps: systemDeps(),
      },
    );
    expect([EXIT.USAGE, EXIT.ENVIRONMENT]).toContain(code);
    expect(out.join('')).toMatch(/\[AWS_/);
  });
});
