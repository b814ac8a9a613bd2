import { describe, expect, it } from 'vitest';
import {
  INITIAL_RTT_ESTIMATE,
  MAX_RTO_MS,
  OutgoingBuffer,
  ReorderBuffer,
  updateRttEstimate,
} from '../../../src/protocol/index.js';

describe('RTT/RTO estimator (§2.7)', () => {
  it('starts at rtt 100, rttvar 0, rto 200', () => {
    expect(INITIAL_RTT_ESTIMATE).toEqual({ rttMs: 100, rttVarMs: 0, rtoMs: 200 });
  });
  it('applies the TCP formulas with the old rtt for rttvar', () => {
    const e = updateRttEstimate(INITIAL_RTT_ESTIMATE, 20);
    // rttvar = 0.75*0 + 0.25*|100-20| = 20; rtt = 0.875*100 + 0.125*20 = 90; rto = 90 + max(10, 80) = 170
    expect(e.rttVarMs).toBeCloseTo(20);
    expect(e.rttMs).toBeCloseTo(90);
    expect(e.rtoMs).toBeCloseTo(170);
  });
  it('uses the clock granularity as the floor of 4·rttvar', () => {
    let e = INITIAL_RTT_ESTIMATE;
    for (let i = 0; i < 200; i++) e = updateRttEstimate(e, 100);
    expect(e.rtoMs).toBeCloseTo(110, 0);
  });
  it('caps the RTO at 1 s', () => {
    expect(updateRttEstimate(INITIAL_RTT_ESTIMATE, 60_000).rtoMs).toBe(MAX_RTO_MS);
  });
});

describe('ReorderBuffer (§2.9)', () => {
  it('delivers in order, buffers ahead, flags duplicates', () => {
    const rb = new ReorderBuffer<string>();
    expect(rb.offer(1n, 'b')).toEqual({ kind: 'buffered' });
    expect(rb.offer(2n, 'c')).toEqual({ kind: 'buffered' });
    expect(rb.offer(1n, 'b')).toEqual({ kind: 'buffered' });
    expect(rb.offer(0n, 'a')).toEqual({ kind: 'deliver', items: ['a', 'b', 'c'] });
    expect(rb.expectedSeq).toBe(3n);
    expect(rb.offer(1n, 'b')).toEqual({ kind: 'duplicate' });
    expect(rb.buffered).toBe(0);
  });
  it('drops (without ack) when full', () => {
    const rb = new ReorderBuffer<number>({ capacity: 1 });
    expect(rb.offer(5n, 5).kind).toBe('buffered');
    expect(rb.offer(6n, 6).kind).toBe('full');
  });
});

describe('OutgoingBuffer (§2.7, §2.8)', () => {
  it('resends only the oldest, after the RTO, and learns from acks', () => {
    const ob = new OutgoingBuffer<string>();
    ob.add(0n, 'a', 1000);
    ob.add(1n, 'b', 1010);
    expect(ob.due(1200)).toBeUndefined();
    expect(ob.due(1201)?.seq).toBe(0n);
    ob.markResent(0n, 1201);
    expect(ob.due(1300)).toBeUndefined();
    expect(ob.ack(1n, 1050)).toBe(true);
    expect(ob.estimate.rttMs).toBeCloseTo(0.875 * 100 + 0.125 * 40);
    expect(ob.ack(1n, 1050)).toBe(false);
    expect(ob.oldest()?.resends).toBe(1);
  });
  it('drop-oldest vs reject-new when full', () => {
    const plugin = new OutgoingBuffer<number>({ capacity: 1 });
    plugin.add(0n, 0, 0);
    expect(plugin.add(1n, 1, 0)).toBe(true);
    expect(plugin.oldest()?.seq).toBe(1n);
    const agent = new OutgoingBuffer<number>({ capacity: 1, overflow: 'reject-new' });
    agent.add(0n, 0, 0);
    expect(agent.add(1n, 1, 0)).toBe(false);
    expect(agent.oldest()?.seq).toBe(0n);
  });
});
