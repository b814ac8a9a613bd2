/**
 * The data-channel gateway over real loopback WebSockets, with the real codec and a fake agent.
 * Spec: src/emulator/spec/gateway.md.
 */

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  decodeAcknowledgePayload,
  encodeAgentMessage,
  FLAG_SYN,
  MessageType,
  PayloadType,
  payloadDigest,
} from '../../src/protocol/index.js';
import { delay, FakeAgent, type Harness, startHarness, TestClient, waitFor } from './gateway-harness.js';

let h: Harness;
const clients: TestClient[] = [];

function open(sessionId = 'sess-1', token = 'tok-1'): FakeAgent {
  const agent = new FakeAgent(sessionId);
  h.gateway.openChannel(sessionId, agent, token);
  return agent;
}

function client(sessionId = 'sess-1', opts: ConstructorParameters<typeof TestClient>[1] = {}): TestClient {
  const c = new TestClient(h.gateway.streamUrl(sessionId), opts);
  clients.push(c);
  return c;
}

beforeEach(async () => {
  h = await startHarness();
});

afterEach(async () => {
  for (const c of clients.splice(0)) c.stop();
  await h.close();
});

describe('stream URL and token check', () => {
  it('hands out ws://host:port/v1/data-channel/<id>?role=publish_subscribe', () => {
    expect(h.gateway.streamUrl('ecs-execute-command-0abc')).toBe(
      `${h.baseUrl}/v1/data-channel/ecs-execute-command-0abc?role=publish_subscribe`,
    );
  });

  it('attaches a client with the right token; ClientId and unknown fields are optional', async () => {
    const agent = open();
    const c = client();
    await c.connect('tok-1', JSON.stringify({ TokenValue: 'tok-1', Extra: { x: 1 } }));
    await waitFor(() => h.gateway.inspect('sess-1')?.attached === true, 'attach');
    expect(h.events.kinds('sess-1')).toEqual(['attach']);
    expect(agent.paused).toBe(false);
  });

  it.each([
    [
      'a wrong token',
      'sess-1',
      JSON.stringify({ MessageSchemaVersion: '1.0', RequestId: 'r', TokenValue: 'nope' }),
    ],
    ['an unknown session', 'sess-404', JSON.stringify({ MessageSchemaVersion: '1.0', TokenValue: 'tok-1' })],
    ['a first frame that is not JSON', 'sess-1', 'hello'],
    ['a first frame without TokenValue', 'sess-1', JSON.stringify({ MessageSchemaVersion: '1.0' })],
  ])('refuses %s by dropping the connection without a reply (1006)', async (_what, sessionId, first) => {
    const agent = open();
    const c = client(sessionId);
    await c.connect('unused', first);
    await c.closed();
    expect(c.closeCodes).toEqual([1006]);
    expect(c.frames).toEqual([]);
    expect(h.gateway.inspect('sess-1')?.attached).toBe(false);
    expect(agent.pausedCalls).not.toContain(false); // a refused client never starts publication
    expect(h.deps.log.events.some((e) => e.code === 'EMU_W0802')).toBe(true);
  });

  it('refuses a binary frame before the token', async () => {
    open();
    const ws = new WebSocket(h.gateway.streamUrl('sess-1'));
    await new Promise((r) => ws.once('open', r));
    ws.send(TestClient.inputFrame(0n, PayloadType.Output, Buffer.from('x')));
    const code = await new Promise((r) => ws.once('close', r));
    expect(code).toBe(1006);
  });

  it('leaves other paths to the HTTP server', async () => {
    const ws = new WebSocket(`${h.baseUrl}/not-a-data-channel`);
    ws.on('error', () => {});
    const code = await new Promise((r) => ws.once('close', r));
    expect(code).toBe(1006);
    expect(h.deps.log.events.some((e) => e.code === 'EMU_W0802')).toBe(false);
  });

  it('answers pings with pongs', async () => {
    open();
    const c = client();
    await c.connect('tok-1');
    const pong = new Promise<Buffer>((r) => c.ws?.once('pong', r));
    c.ws?.ping('keepalive');
    expect((await pong).toString()).toBe('keepalive');
  });
});

describe('frames on the wire', () => {
  it('sends output from seq 0 with SYN only on seq 0, type right-padded with spaces', async () => {
    const agent = open();
    const c = client();
    await c.connect('tok-1');
    await waitFor(() => agent.paused === false, 'start publication');
    agent.emit('one');
    agent.emit('two');
    await waitFor(() => c.delivered.length === 2, 'two outputs');
    const [first, second] = c.seen(MessageType.OutputStreamData);
    expect(first?.message.sequenceNumber).toBe(0n);
    expect(first?.message.flags).toBe(FLAG_SYN);
    expect(second?.message.sequenceNumber).toBe(1n);
    expect(second?.message.flags).toBe(0n);
    expect(first?.message.payloadType).toBe(PayloadType.Output);
    const typeField = Buffer.from(first?.bytes.subarray(4, 36) ?? []).toString('latin1');
    expect(typeField).toBe('output_stream_data'.padEnd(32, ' '));
    expect(Buffer.from(first?.message.payloadDigest ?? []).equals(payloadDigest(Buffer.from('one')))).toBe(
      true,
    );
    expect(c.deliveredText).toBe('onetwo');
  });

  it('acks input with seq 0, flags 3, PayloadType 0 and the acked seq in the JSON', async () => {
    const agent = open();
    const c = client();
    await c.connect('tok-1');
    c.sendSize(120, 40);
    c.sendInput('ls\r');
    await waitFor(() => c.seen(MessageType.Acknowledge).length === 2, 'two acks');
    const acks = c.seen(MessageType.Acknowledge).map((f) => f.message);
    for (const a of acks) {
      expect(a.sequenceNumber).toBe(0n);
      expect(a.flags).toBe(3n);
      expect(a.payloadType).toBe(0);
    }
    const text = Buffer.from(acks[0]?.payload ?? []).toString();
    expect(Object.keys(JSON.parse(text))).toEqual([
      'AcknowledgedMessageType',
      'AcknowledgedMessageId',
      'AcknowledgedMessageSequenceNumber',
      'IsSequentialMessage',
    ]);
    expect(acks.map((a) => decodeAcknowledgePayload(a.payload).ok && a)).toHaveLength(2);
    expect(agent.resizes).toEqual([{ cols: 120, rows: 40 }]);
    expect(agent.writtenText).toBe('ls\r');
    expect(h.events.kinds('sess-1')).toEqual(expect.arrayContaining(['attach', 'size', 'input']));
  });
});

describe('agent-side reliability', () => {
  it('re-acks duplicates and delivers each input once', async () => {
    const agent = open();
    const c = client();
    await c.connect('tok-1');
    const frame = TestClient.inputFrame(0n, PayloadType.Output, Buffer.from('a'));
    c.sendRaw(frame);
    c.sendRaw(frame);
    c.sendRaw(frame);
    await waitFor(() => c.seen(MessageType.Acknowledge).length === 3, 'three acks');
    await delay(50);
    expect(agent.writtenText).toBe('a');
    expect(h.gateway.inspect('sess-1')?.expectedInputSeq).toBe(1n);
  });

  it('acks and buffers out-of-order input, delivering it once the gap fills', async () => {
    const agent = open();
    const c = client();
    await c.connect('tok-1');
    c.sendRaw(TestClient.inputFrame(2n, PayloadType.Output, Buffer.from('c')));
    c.sendRaw(TestClient.inputFrame(1n, PayloadType.Output, Buffer.from('b')));
    await waitFor(() => c.seen(MessageType.Acknowledge).length === 2, 'acks of buffered input');
    expect(agent.written).toEqual([]);
    expect(h.gateway.inspect('sess-1')?.bufferedInput).toBe(2);
    c.sendRaw(TestClient.inputFrame(0n, PayloadType.Output, Buffer.from('a')));
    await waitFor(
      () => agent.written.length === 3 && c.seen(MessageType.Acknowledge).length === 3,
      'delivery',
    );
    expect(agent.writtenText).toBe('abc');
    expect(c.seen(MessageType.Acknowledge)).toHaveLength(3);
  });

  it('retransmits only the oldest unacked output', async () => {
    const agent = open();
    const c = client('sess-1', { autoAck: false });
    await c.connect('tok-1');
    await waitFor(() => agent.paused === false, 'start publication');
    agent.emit('A');
    agent.emit('B');
    await waitFor(() => c.seen(MessageType.OutputStreamData).length >= 4, 'retransmissions');
    const seqs = c.seen(MessageType.OutputStreamData).map((f) => f.message.sequenceNumber);
    expect(seqs.slice(0, 2)).toEqual([0n, 1n]);
    expect(new Set(seqs.slice(2))).toEqual(new Set([0n]));
    const first = c.seen(MessageType.OutputStreamData)[0];
    if (first) c.ack(first.message);
    // Once seq 0 is acked, seq 1 becomes the oldest: from its first resend on, only it comes back.
    const resendsOf1 = () => c.frames.slice(2).filter((f) => f.message.sequenceNumber === 1n).length;
    await waitFor(() => resendsOf1() >= 2, 'retransmissions of seq 1');
    const fromFirst1 = c.frames.slice(2).findIndex((f) => f.message.sequenceNumber === 1n);
    expect(c.frames.slice(2 + fromFirst1).every((f) => f.message.sequenceNumber === 1n)).toBe(true);
  });

  it('does not ack input before the pty is ready (inputReadiness first-output)', async () => {
    await h.close();
    h = await startHarness({ inputReadiness: 'first-output' });
    const agent = open();
    const c = client();
    await c.connect('tok-1');
    c.sendInput('early');
    await delay(400);
    expect(c.seen(MessageType.Acknowledge)).toEqual([]);
    expect(agent.written).toEqual([]);
    agent.emit('$ ');
    await waitFor(() => c.unackedInput === 0, 'ack after the first output');
    expect(agent.writtenText).toBe('early');
  });

  it('strictDigest drops bad-digest input unacked; the default accepts it like the agent', async () => {
    const bad = (seq: bigint) =>
      encodeAgentMessage({
        messageType: MessageType.InputStreamData,
        createdDate: Date.now(),
        sequenceNumber: seq,
        messageId: crypto.randomUUID(),
        payloadType: PayloadType.Output,
        payload: Buffer.from('x'),
        payloadDigest: new Uint8Array(32),
      });
    const lenientAgent = open();
    const c1 = client();
    await c1.connect('tok-1');
    c1.sendRaw(bad(0n));
    await waitFor(() => lenientAgent.written.length === 1, 'lenient delivery');

    await h.close();
    h = await startHarness({ strictDigest: true });
    const strictAgent = open();
    const c2 = client();
    await c2.connect('tok-1');
    c2.sendRaw(bad(0n));
    await delay(300);
    expect(strictAgent.written).toEqual([]);
    expect(c2.seen(MessageType.Acknowledge)).toEqual([]);
  });
});

describe('publication, clients and resume', () => {
  it('does not pause a never-attached session, holds its output until a client attaches, pauses after detach', async () => {
    const agent = open();
    expect(agent.pausedCalls).toEqual([]);
    agent.emit('early output');
    const c = client();
    await c.connect('tok-1');
    await waitFor(() => c.deliveredText === 'early output', 'held output');
    expect(agent.pausedCalls).toEqual([false]);
    c.stop();
    await waitFor(() => agent.paused === true, 'pause after detach');
    expect(h.events.detached).toEqual(['sess-1']);
    expect(h.gateway.inspect('sess-1')?.attached).toBe(false);
  });

  it('ignores an ack of queued output that was never sent (ssm-session acks its acks with seq 0)', async () => {
    const agent = open();
    agent.emit('queued');
    const c = client('sess-1', { autoAck: false });
    await c.connect('tok-1');
    c.ack({ messageType: MessageType.OutputStreamData, messageId: crypto.randomUUID(), sequenceNumber: 0n });
    await waitFor(() => c.deliveredText === 'queued', 'the queued output');
    expect(h.gateway.inspect('sess-1')?.unackedOutput).toBe(1);
  });

  it('refuses a second client while one is attached, without disturbing the first', async () => {
    const agent = open();
    const first = client();
    await first.connect('tok-1');
    await waitFor(() => h.gateway.inspect('sess-1')?.attached === true, 'attach');
    const second = client();
    await second.connect('tok-1');
    await second.closed();
    expect(second.closeCodes).toEqual([1006]);
    agent.emit('still here');
    await waitFor(() => first.deliveredText === 'still here', 'output to the first client');
    expect(first.closeCodes).toEqual([]);
  });

  it('continues both sequences on a new connection with a ResumeSession token', async () => {
    const agent = open();
    const c = client();
    await c.connect('tok-1');
    await waitFor(() => agent.paused === false, 'attach');
    agent.emit('0');
    agent.emit('1');
    c.sendInput('a');
    await waitFor(() => c.delivered.length === 2 && c.unackedInput === 0, 'first round');
    c.ws?.terminate();
    await waitFor(() => agent.paused === true, 'detach');
    h.gateway.addToken('sess-1', 'tok-2');
    await c.connect('tok-2');
    await waitFor(() => agent.paused === false, 'reattach');
    agent.emit('2');
    c.sendInput('b');
    await waitFor(() => c.delivered.length === 3 && c.unackedInput === 0, 'second round');
    const seqs = c.seen(MessageType.OutputStreamData).map((f) => f.message.sequenceNumber);
    expect([...new Set(seqs)]).toEqual([0n, 1n, 2n]);
    expect(c.deliveredText).toBe('012');
    expect(agent.writtenText).toBe('ab');
    expect(h.gateway.inspect('sess-1')?.expectedInputSeq).toBe(2n);
  });
});

describe('end of the session', () => {
  it('closeChannel: the client sees channel_closed with the reason, then 1006; later connections are refused', async () => {
    open();
    const c = client();
    await c.connect('tok-1');
    await waitFor(() => h.gateway.inspect('sess-1')?.attached === true, 'attach');
    const reason = 'Your session timed out due to inactivity and has been terminated.';
    h.gateway.closeChannel('sess-1', reason);
    await c.closed();
    expect(c.channelClosed).toEqual({ output: reason, sessionId: 'sess-1' });
    expect(c.closeCodes).toEqual([1006]);
    const closedFrame = c.seen(MessageType.ChannelClosed)[0]?.message;
    expect(closedFrame?.sequenceNumber).toBe(0n);
    expect(closedFrame?.flags).toBe(3n);
    expect(h.gateway.inspect('sess-1')).toBeUndefined();
    const late = client();
    await late.connect('tok-1');
    await late.closed();
    expect(late.closeCodes).toEqual([1006]);
  });

  it('on a normal exit: drains the output, then channel_closed with empty Output, then 1006', async () => {
    const agent = open();
    const c = client();
    await c.connect('tok-1');
    await waitFor(() => agent.paused === false, 'attach');
    agent.emit('bye\r\n');
    agent.exit(0);
    await c.closed();
    expect(c.deliveredText).toBe('bye\r\n');
    expect(c.channelClosed?.output).toBe('');
    expect(c.closeCodes).toEqual([1006]);
  });

  it('gives up draining after 2 s when nobody acks', async () => {
    const agent = open();
    const c = client('sess-1', { autoAck: false });
    await c.connect('tok-1');
    await waitFor(() => agent.paused === false, 'attach');
    agent.emit('unacked');
    agent.exit(1);
    await delay(500);
    expect(c.closeCodes).toEqual([]);
    await c.closed();
    expect(c.channelClosed?.output).toBe('');
  });

  it('on a cancel, leaves the reason to the service model', async () => {
    const agent = open();
    const c = client();
    await c.connect('tok-1');
    await waitFor(() => agent.paused === false, 'attach');
    await agent.cancel('idle-timeout');
    await delay(50);
    expect(c.closeCodes).toEqual([]);
    h.gateway.closeChannel('sess-1', 'idle');
    await c.closed();
    expect(c.channelClosed?.output).toBe('idle');
  });
});
