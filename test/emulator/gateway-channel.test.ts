/**
 * The channel's timing on a manual clock (no sockets): the resend tick, the RTO, the drain window.
 */
import { describe, expect, it } from 'vitest';
import { Channel, DRAIN_MAX_MS } from '../../src/emulator/gateway/channel.js';
import type { ClientConnection } from '../../src/emulator/gateway/client-connection.js';
import { FrameFactory } from '../../src/emulator/gateway/frame-factory.js';
import {
  buildAcknowledge,
  decodeAgentMessage,
  decodeChannelClosedPayload,
  encodeAgentMessage,
  MessageType,
} from '../../src/protocol/index.js';
import { testDeps } from '../helpers/manual-clock.js';
import { FakeAgent, RecordingEvents } from './gateway-harness.js';

/** Records what the channel sends; stands in for the WebSocket connection. */
class RecordingClient {
  readonly sent: Array<{ at: number; seq: bigint; type: string }> = [];
  final: { output: string } | undefined;
  constructor(readonly now: () => number) {}
  send(bytes: Uint8Array): void {
    const d = decodeAgentMessage(bytes);
    if (d.ok) this.sent.push({ at: this.now(), seq: d.message.sequenceNumber, type: d.message.messageType });
  }
  sendFinal(bytes: Uint8Array): void {
    const d = decodeAgentMessage(bytes);
    if (d.ok) {
      const c = decodeChannelClosedPayload(d.message.payload);
      if (c.ok) this.final = { output: c.value.output };
    }
  }
  outputs(): Array<{ at: number; seq: bigint }> {
    return this.sent
      .filter((s) => s.type === MessageType.OutputStreamData)
      .map(({ at, seq }) => ({ at, seq }));
  }
}

function setup() {
  const deps = testDeps();
  const agent = new FakeAgent('s');
  const events = new RecordingEvents();
  let closed = 0;
  const channel = new Channel('s', agent, 't', {
    deps,
    events,
    frames: new FrameFactory(deps),
    strictDigest: false,
    inputReadiness: 'open',
    onClosed: () => closed++,
  });
  const client = new RecordingClient(() => deps.clock.now());
  const t0 = deps.clock.now();
  const ackOf = (seq: bigint) =>
    encodeAgentMessage(
      buildAcknowledge(
        { messageType: MessageType.OutputStreamData, messageId: deps.ids.uuid(), sequenceNumber: seq },
        { messageId: deps.ids.uuid(), createdDate: deps.clock.now() },
      ),
    );
  return { deps, agent, channel, client, t0, ackOf, closed: () => closed };
}

describe('Channel timing (manual clock)', () => {
  it('resends the oldest unacked output once more than the RTO (200 ms) has passed, on 100 ms ticks', () => {
    const { deps, agent, channel, client, t0 } = setup();
    channel.attach(client as unknown as ClientConnection);
    agent.emit('x');
    agent.emit('y');
    deps.clock.advance(1000);
    const rel = client.outputs().map((o) => ({ at: o.at - t0, seq: o.seq }));
    // First sends at 0; then only seq 0, at the first tick where now − lastSent > 200 ms.
    expect(rel).toEqual([
      { at: 0, seq: 0n },
      { at: 0, seq: 1n },
      { at: 300, seq: 0n },
      { at: 600, seq: 0n },
      { at: 900, seq: 0n },
    ]);
  });

  it('updates the RTO from ack samples and moves on to the next oldest', () => {
    const { deps, agent, channel, client, t0, ackOf } = setup();
    channel.attach(client as unknown as ClientConnection);
    agent.emit('x');
    agent.emit('y');
    deps.clock.advance(50);
    channel.clientOnFrame(ackOf(0n));
    // sample 50: rttvar = 0.75·0 + 0.25·|100−50| = 12.5; rtt = 0.875·100 + 0.125·50 = 93.75; RTO = 93.75 + 50
    expect(channel.snapshot().rtoMs).toBeCloseTo(143.75, 6);
    deps.clock.advance(250);
    const resent = client.outputs().filter((o) => o.at > t0);
    expect(resent).toEqual([{ at: t0 + 200, seq: 1n }]);
  });

  it('holds output while detached and drains it one message per ack after attach', () => {
    const { deps, agent, channel, client, t0, ackOf } = setup();
    agent.emit('a');
    agent.emit('b');
    deps.clock.advance(500);
    expect(client.sent).toEqual([]);
    channel.attach(client as unknown as ClientConnection);
    deps.clock.advance(100);
    expect(client.outputs()).toEqual([{ at: t0 + 600, seq: 0n }]);
    channel.clientOnFrame(ackOf(0n));
    deps.clock.advance(100);
    expect(client.outputs().map((o) => o.seq)).toEqual([0n, 1n]);
  });

  it('closes with an empty Output as soon as the output is acked after a normal exit', async () => {
    const { deps, agent, channel, client, ackOf, closed } = setup();
    channel.attach(client as unknown as ClientConnection);
    agent.emit('bye');
    agent.exit(0);
    await Promise.resolve();
    await Promise.resolve();
    deps.clock.advance(100);
    expect(client.final).toBeUndefined();
    channel.clientOnFrame(ackOf(0n));
    expect(client.final).toEqual({ output: '' });
    expect(closed()).toBe(1);
  });

  it(`gives the drain at most ${DRAIN_MAX_MS} ms`, async () => {
    const { deps, agent, channel, client, closed } = setup();
    channel.attach(client as unknown as ClientConnection);
    agent.emit('never acked');
    agent.exit(1);
    await Promise.resolve();
    await Promise.resolve();
    deps.clock.advance(DRAIN_MAX_MS - 1);
    expect(client.final).toBeUndefined();
    deps.clock.advance(1);
    expect(client.final).toEqual({ output: '' });
    expect(closed()).toBe(1);
  });
});
