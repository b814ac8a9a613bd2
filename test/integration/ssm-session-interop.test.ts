/**
 * Interop with a client nobody here wrote: the npm `ssm-session` package (JSLIB, 1.0.6) driving
 * a `ws` WebSocket in Node, exactly as its README's Node example does:
 * - against `startEmulator` with the real agent (a sandboxed task, `/bin/cat` on a real pty);
 * - against `startEmulator` with a fake agent host, from the SDK's ExecuteCommand to TerminateSession;
 * - against the gateway alone (loopback server, fake agent), including strictDigest mode.
 *
 * JSLIB's quirks that the gateway must tolerate, as MGS and the agent do (ssm-data-channel.md §7):
 * a NUL-left-padded MessageType, a hex-text "digest", acks with PayloadType 3 and the acked
 * seq in the header, a Size frame as its very first binary frame (seq 0, flags 1), no
 * retransmission and no ClientId.
 */
import { createRequire } from 'node:module';
import { ECS } from '@aws-sdk/client-ecs';
import { SSM } from '@aws-sdk/client-ssm';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { systemDeps } from '../../src/deps.js';
import { type RunningEmulator, startEmulator } from '../../src/emulator/server.js';
import { FakeAgentHost } from '../emulator/fake-agent-host.js';
import { FakeAgent, type Harness, startHarness, waitFor } from '../emulator/gateway-harness.js';

/** The part of ssm-session's API the README's Node example uses. */
interface SsmSessionLib {
  init(connection: WebSocket, data: { token: string; termOptions: { rows: number; cols: number } }): void;
  decode(data: ArrayBuffer | Uint8Array): { messageType: string; payloadType: number; payload: Uint8Array };
  sendACK(connection: WebSocket, message: unknown): void;
  sendText(connection: WebSocket, text: Uint8Array): void;
}

const { ssm } = createRequire(import.meta.url)('ssm-session') as { ssm: SsmSessionLib };

const termOptions = { rows: 34, cols: 197 };

/** The README's Node example, minus the terminal: collects output and close codes. */
function startJslibSession(url: string, token: string) {
  const connection = new WebSocket(url);
  const out: string[] = [];
  const types: string[] = [];
  const closeCodes: number[] = [];
  const decoder = new TextDecoder();
  connection.onopen = () => ssm.init(connection, { token, termOptions });
  connection.onerror = () => {};
  connection.onmessage = (event) => {
    const agentMessage = ssm.decode(event.data as Buffer);
    types.push(agentMessage.messageType);
    ssm.sendACK(connection, agentMessage);
    if (agentMessage.payloadType === 1) out.push(decoder.decode(agentMessage.payload));
  };
  connection.onclose = (event) => closeCodes.push(event.code);
  return {
    connection,
    types,
    closeCodes,
    get output() {
      return out.join('');
    },
  };
}

let h: Harness | undefined;
let emu: RunningEmulator | undefined;
let sockets: WebSocket[] = [];

afterEach(async () => {
  for (const s of sockets) s.terminate();
  sockets = [];
  await h?.close();
  h = undefined;
  await emu?.close();
  emu = undefined;
});

describe('ssm-session (npm) against `emulator serve` with the real agent (namespaces, pty)', () => {
  it('runs /bin/cat: its keystrokes are echoed by the pty, ^D ends the session', {
    timeout: 60_000,
  }, async () => {
    emu = await startEmulator({ deps: systemDeps(), port: 0 });
    const cfg = { region: emu.region, endpoint: emu.endpoint, credentials: emu.credentials, maxAttempts: 1 };
    const ecs = new ECS(cfg);
    try {
      const { taskArns } = await ecs.listTasks({ cluster: 'default' });
      const { session } = await ecs.executeCommand({
        task: taskArns?.[0],
        command: '/bin/cat',
        interactive: true,
      });
      if (!session?.streamUrl || !session.tokenValue) throw new Error('no session');
      const s = startJslibSession(session.streamUrl, session.tokenValue);
      sockets.push(s.connection);
      await new Promise((resolve) => s.connection.once('open', resolve));
      ssm.sendText(s.connection, new TextEncoder().encode('hello\r'));
      // The pty echoes the line (CR → CRLF), then cat writes it back.
      await waitFor(() => s.output === 'hello\r\nhello\r\n', 'the echo and cat', 20_000);
      ssm.sendText(s.connection, new Uint8Array([0x04]));
      await waitFor(() => s.closeCodes.length === 1, 'the end of the session', 20_000);
      expect(s.types.at(-1)).toBe('channel_closed');
      expect(s.closeCodes).toEqual([1006]);
    } finally {
      ecs.destroy();
    }
  });
});

describe('ssm-session (npm) against the emulator, from ExecuteCommand to TerminateSession', () => {
  it('takes the streamUrl and token from the SDK, talks to the command, and sees the end', async () => {
    const host = new FakeAgentHost();
    emu = await startEmulator({ deps: systemDeps(), port: 0, agentHost: host });
    const cfg = { region: emu.region, endpoint: emu.endpoint, credentials: emu.credentials, maxAttempts: 1 };
    const ecs = new ECS(cfg);
    const ssmApi = new SSM(cfg);
    try {
      const { taskArns } = await ecs.listTasks({ cluster: 'default' });
      const out = await ecs.executeCommand({
        cluster: 'default',
        task: taskArns?.[0],
        container: 'app',
        command: '/bin/sh',
        interactive: true,
      });
      const session = out.session;
      expect(session?.streamUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/v1\/data-channel\/ecs-execute-command-/);
      const agent = host.sessions[0];
      if (!agent || !session?.streamUrl || !session.tokenValue || !session.sessionId)
        throw new Error('no session');

      const s = startJslibSession(session.streamUrl, session.tokenValue);
      sockets.push(s.connection);
      await waitFor(() => emu?.gateway.inspect(agent.sessionId)?.attached === true, 'attach');
      agent.emit('# ');
      await waitFor(() => s.output === '# ', 'the prompt');
      ssm.sendText(s.connection, new TextEncoder().encode('id\r'));
      await waitFor(() => agent.input.length === 1, 'its keystrokes');
      expect(Buffer.from(agent.input[0] ?? []).toString()).toBe('id\r');

      await ssmApi.terminateSession({ SessionId: session.sessionId });
      await waitFor(() => s.closeCodes.length === 1, 'the end of the session');
      expect(s.types.at(-1)).toBe('channel_closed');
      expect(s.closeCodes).toEqual([1006]);
    } finally {
      ecs.destroy();
      ssmApi.destroy();
    }
  });
});

describe('ssm-session (npm) as a data-channel client', () => {
  it('connects, receives output, sends its size and keystrokes, and sees the end', async () => {
    h = await startHarness();
    const gateway = h.gateway;
    const agent = new FakeAgent('ecs-execute-command-0123456789abcdef0');
    gateway.openChannel(agent.sessionId, agent, 'jslib-token');
    const s = startJslibSession(gateway.streamUrl(agent.sessionId), 'jslib-token');
    sockets.push(s.connection);

    await waitFor(() => agent.paused === false, 'attach');
    await waitFor(() => agent.resizes.length === 1, 'its Size frame');
    expect(agent.resizes).toEqual([{ cols: 197, rows: 34 }]);

    agent.emit('root@ip-10-0-0-1:/# ');
    await waitFor(() => s.output === 'root@ip-10-0-0-1:/# ', 'the prompt');

    ssm.sendText(s.connection, new TextEncoder().encode('echo hi\r'));
    await waitFor(() => agent.writtenText === 'echo hi\r', 'its keystrokes');
    agent.emit('echo hi\r\nhi\r\n');
    await waitFor(() => s.output.endsWith('hi\r\n'), 'the echo');

    // Its acks (PayloadType 3, NUL-padded type, hex digest) clear the agent's outgoing buffer.
    await waitFor(() => gateway.inspect(agent.sessionId)?.unackedOutput === 0, 'acks understood');
    expect(gateway.inspect(agent.sessionId)?.expectedInputSeq).toBe(2n);
    expect(h.events.kinds(agent.sessionId)).toEqual(
      expect.arrayContaining(['attach', 'size', 'input', 'ack']),
    );

    agent.exit(0);
    await waitFor(() => s.closeCodes.length === 1, 'the end of the session');
    expect(s.types.at(-1)).toBe('channel_closed');
    expect(s.closeCodes).toEqual([1006]);
  });

  it('cannot send input or acks in strictDigest mode (its digests are hex text)', async () => {
    h = await startHarness({ strictDigest: true });
    const agent = new FakeAgent('s-strict');
    h.gateway.openChannel(agent.sessionId, agent, 't');
    const s = startJslibSession(h.gateway.streamUrl(agent.sessionId), 't');
    sockets.push(s.connection);
    await waitFor(() => agent.paused === false, 'attach');
    agent.emit('$ ');
    await waitFor(() => s.output === '$ ', 'output still flows to it');
    ssm.sendText(s.connection, new TextEncoder().encode('x'));
    await new Promise((r) => setTimeout(r, 300));
    expect(agent.resizes).toEqual([]);
    expect(agent.written).toEqual([]);
    // Its acks carry bad digests too: the output stays unacked and is retransmitted.
    expect(h.gateway.inspect(agent.sessionId)?.unackedOutput).toBe(1);
  });
});
