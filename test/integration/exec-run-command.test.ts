/**
 * remoteExec end to end without AWS: a fake ECS client answers ExecuteCommand by splitting the
 * command like the agent (google/shlex) and running it on a real pty; the data channel is a
 * PeerAgent over a loopback WebSocket. Checks exact output, the real exit status, binary safety
 * and a session killed mid-command.
 */
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { EcsApi } from '../../src/aws/clients.js';
import { systemClock, systemDeps, systemIds } from '../../src/deps.js';
import { remoteExec } from '../../src/scenarios/remote-exec.js';
import { shlexSplit } from '../../src/session/shlex.js';
import { execOnPty, PeerAgent, type PeerServer, type PtyProcess, servePeer } from '../helpers/peer-agent.js';

let server: PeerServer | undefined;
const processes: PtyProcess[] = [];
afterEach(async () => {
  for (const p of processes.splice(0)) p.kill();
  await server?.close();
  server = undefined;
});

/** A fake ECS whose ExecuteCommand starts the command on a pty behind a PeerAgent. */
async function fakeEcs() {
  const peers: PeerAgent[] = [];
  const srv = await servePeer((link) => peers[peers.length - 1]?.attach(link));
  server = srv;
  let n = 0;
  const ecs: Pick<EcsApi, 'executeCommand'> = {
    executeCommand: async (input) => {
      const sessionId = `ecs-execute-command-${++n}`;
      const peer = new PeerAgent({ clock: systemClock, ids: systemIds, tokens: ['tok'], sessionId });
      peers.push(peer);
      const argv = shlexSplit(input.command ?? '');
      processes.push(execOnPty(peer, argv));
      return {
        $metadata: {},
        session: { sessionId, streamUrl: srv.url(sessionId), tokenValue: 'tok' },
        containerName: 'app',
        taskArn: 'arn:aws:ecs:us-east-1:123456789012:task/demo/t1',
      };
    },
  };
  return { ecs, peers };
}

const target = { cluster: 'demo', task: 't1' };
const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');

describe('remoteExec over a real pty', () => {
  it('returns exact output and the real exit status', async () => {
    const { ecs } = await fakeEcs();
    const r = await remoteExec(
      { ecs },
      target,
      "printf 'line1\\nline2\\n'; echo \"it's $((6*7))\" >&2; exit 3",
      {
        deps: systemDeps(),
      },
    );
    expect(r.endReason).toEqual({ kind: 'completed' });
    expect(r.exitCode).toBe(3);
    expect(r.outputMode).toBe('raw');
    expect(text(r.stdout)).toBe("line1\nline2\nit's 42\n");
  });

  it('passes quotes, $, backticks, newlines and non-ASCII unchanged', async () => {
    const { ecs } = await fakeEcs();
    const weird = 'a\'b"c $HOME `id` \\n é ✓\nsecond line';
    const r = await remoteExec(
      { ecs },
      target,
      `printf '%s' "$0"`.replace('"$0"', `'${weird.replaceAll("'", "'\\''")}'`),
      {
        deps: systemDeps(),
      },
    );
    expect(r.exitCode).toBe(0);
    expect(text(r.stdout)).toBe(weird);
  });

  it('is binary-safe: 200 KB of random bytes arrive identical', async () => {
    const { ecs } = await fakeEcs();
    const r = await remoteExec(
      { ecs },
      target,
      'head -c 200000 /dev/urandom | tee /tmp/ecs-diag-h3-bin | sha256sum >&2; cat /tmp/ecs-diag-h3-bin; rm -f /tmp/ecs-diag-h3-bin',
      {
        deps: systemDeps(),
      },
    );
    expect(r.exitCode).toBe(0);
    // The first line is the sha256sum of what followed (written to the same pty).
    const out = Buffer.from(r.stdout);
    const nl = out.indexOf(0x0a);
    const claimed = out.subarray(0, nl).toString().split(' ')[0];
    const body = out.subarray(nl + 1);
    expect(body.length).toBe(200_000);
    expect(createHash('sha256').update(body).digest('hex')).toBe(claimed);
  });

  it('streams output through onStdout', async () => {
    const { ecs } = await fakeEcs();
    const seen: string[] = [];
    const r = await remoteExec({ ecs }, target, 'for i in 1 2 3; do echo $i; sleep 0.05; done', {
      deps: systemDeps(),
      onStdout: (c) => seen.push(text(c)),
    });
    expect(seen.join('')).toBe('1\n2\n3\n');
    expect(text(r.stdout)).toBe('1\n2\n3\n');
  });

  it('a session killed by the service has no exit status and says why', async () => {
    const { ecs, peers } = await fakeEcs();
    // The idle timeout as the service applies it: channel_closed with its text, then the command is killed.
    const r = await remoteExec({ ecs }, target, 'echo started; sleep 30', {
      deps: systemDeps(),
      onStdout: () => {
        peers[0]?.closeChannel('Your session timed out due to inactivity and has been terminated.');
        processes[0]?.kill();
      },
    });
    expect(r.exitCode).toBeNull();
    expect(r.endReason).toEqual({
      kind: 'closed-by-service',
      reason: 'Your session timed out due to inactivity and has been terminated.',
    });
    expect(text(r.stdout)).toBe('started\n');
  });

  it('maps ExecuteCommand errors to AWS_* codes', async () => {
    const fail = (name: string, message: string): Pick<EcsApi, 'executeCommand'> => ({
      executeCommand: async () => {
        throw Object.assign(new Error(message), {
          name,
          $fault: 'client',
          $metadata: { httpStatusCode: 400 },
        });
      },
    });
    const cases: Array<[string, string, string]> = [
      ['ClusterNotFoundException', 'Cluster not found.', 'AWS_CLUSTER_NOT_FOUND'],
      [
        'TargetNotConnectedException',
        'The execute command failed due to an internal error. Try again later.',
        'AWS_TARGET_NOT_CONNECTED',
      ],
      [
        'InvalidParameterException',
        'The execute command failed because execute command was not enabled when the task was run or the execute command agent isn’t running. Wait and try again or run a new task with execute command enabled and try again.',
        'AWS_EXEC_NOT_ENABLED',
      ],
      [
        'AccessDeniedException',
        'User: arn:aws:iam::1:user/a is not authorized to perform: ecs:ExecuteCommand',
        'AWS_ACCESS_DENIED',
      ],
    ];
    for (const [name, message, code] of cases) {
      await expect(
        remoteExec({ ecs: fail(name, message) }, target, 'true', { deps: systemDeps() }),
      ).rejects.toMatchObject({
        code,
      });
    }
  });
});
