/**
 * Output and input are delivered in order, exactly once, under every fault kind in both
 * directions (real loopback WebSockets, the real codec, a fake agent).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FAULT_KINDS, type FaultDirection, type FaultKind } from '../../src/emulator/gateway/index.js';
import { MessageType } from '../../src/protocol/index.js';
import { FakeAgent, type Harness, startHarness, TestClient, waitFor } from './gateway-harness.js';

const OUTPUTS = 15;
const INPUTS = 6;

let h: Harness | undefined;
let c: TestClient | undefined;

afterEach(async () => {
  c?.stop();
  await h?.close();
});

const cases: Array<[FaultKind, FaultDirection]> = FAULT_KINDS.flatMap((k) => [
  [k, 'out'] as [FaultKind, FaultDirection],
  [k, 'in'] as [FaultKind, FaultDirection],
]);

describe('delivery under faults', () => {
  it.each(cases)('%s (%s): in order, exactly once', async (kind, direction) => {
    // strictDigest so that a corrupted inbound digest is really rejected (and must be resent).
    h = await startHarness({ strictDigest: true, seed: 11 });
    const harness = h;
    const agent = new FakeAgent('s');
    harness.gateway.openChannel('s', agent, 'tok-0');
    let resumes = 0;
    c = new TestClient(harness.gateway.streamUrl('s'), {
      resendMs: 150,
      onDrop: () => {
        const token = `tok-${++resumes}`;
        harness.gateway.addToken('s', token);
        return token;
      },
    });
    await c.connect('tok-0');
    await waitFor(() => agent.paused === false, 'attach');
    // Half the frames of that direction are hit, three times in all, then the rule clears itself.
    const rule = harness.gateway.faults.atRate(kind, direction, 0.5, { times: 3, delayMs: 250 });

    const client = c;
    for (let i = 0; i < OUTPUTS; i++) {
      agent.emit(`out${i};`);
      if (i < INPUTS) client.sendInput(`in${i};`);
      await new Promise((r) => setTimeout(r, 5));
    }
    await waitFor(
      () =>
        client.delivered.length === OUTPUTS && agent.written.length === INPUTS && client.unackedInput === 0,
      `all traffic under ${kind}/${direction}`,
      20_000,
    );
    await waitFor(() => harness.gateway.inspect('s')?.unackedOutput === 0, 'every output acked', 10_000);

    expect(rule.fired).toBeGreaterThan(0);
    expect(client.deliveredText).toBe(Array.from({ length: OUTPUTS }, (_, i) => `out${i};`).join(''));
    expect(agent.writtenText).toBe(Array.from({ length: INPUTS }, (_, i) => `in${i};`).join(''));
    // One payload per sequence number, whatever was resent or duplicated on the way.
    const bySeq = new Map<bigint, string>();
    for (const f of client.seen(MessageType.OutputStreamData)) {
      const text = Buffer.from(f.message.payload).toString();
      expect(bySeq.get(f.message.sequenceNumber) ?? text).toBe(text);
      bySeq.set(f.message.sequenceNumber, text);
    }
    expect([...bySeq.keys()].sort((a, b) => Number(a - b))).toEqual(
      Array.from({ length: OUTPUTS }, (_, i) => BigInt(i)),
    );
    if (kind === 'close-1006') expect(resumes).toBeGreaterThan(0);
  });
});
