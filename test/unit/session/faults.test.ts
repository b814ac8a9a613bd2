/**
 * The session under faults: the peer drops, duplicates and reorders frames, withholds acks and
 * drops the connection (1006) mid-stream; the client reconnects with a fresh token. Output must be
 * byte-identical (sha256) every time, and so must the input the peer receives.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesOf, harness, sha256 } from './harness.js';

interface Plan {
  seed: number;
  size: number;
  dropEvery: number;
  dupEvery: number;
  reorderEvery: number;
  withholdEvery: number;
  dropConnectionAfter: number[];
}

const plan: fc.Arbitrary<Plan> = fc.record({
  seed: fc.integer({ min: 1, max: 1_000_000 }),
  size: fc.integer({ min: 0, max: 40_000 }),
  dropEvery: fc.integer({ min: 0, max: 6 }),
  dupEvery: fc.integer({ min: 0, max: 5 }),
  reorderEvery: fc.integer({ min: 0, max: 4 }),
  withholdEvery: fc.integer({ min: 0, max: 3 }),
  dropConnectionAfter: fc.array(fc.integer({ min: 1, max: 25 }), { maxLength: 2 }),
});

const every = (n: number, seq: bigint) => n > 0 && Number(seq % BigInt(n)) === n - 1;

async function runPlan(p: Plan) {
  const h = harness({
    resume: 'tokens',
    seed: p.seed,
    faults: {
      drop: (seq, attempt) => attempt === 0 && every(p.dropEvery, seq),
      duplicate: (seq) => every(p.dupEvery, seq),
      reorder: (seq) => every(p.reorderEvery, seq),
      withholdAck: (seq, arrival) => arrival === 0 && every(p.withholdEvery, seq),
      dropConnectionAfter: p.dropConnectionAfter,
    },
  });
  const output = bytesOf(p.size, p.seed);
  const input = bytesOf(Math.floor(p.size / 4), p.seed + 1);
  h.peer.sendOutput('$ ');
  await h.run(20);
  h.session.write(input.subarray(0, input.length >> 1));
  h.peer.sendOutput(output);
  await h.run(200);
  h.session.write(input.subarray(input.length >> 1));
  // Let the input drain before the peer ends the channel.
  for (let t = 0; t < 30_000 && h.peer.input.reduce((n, c) => n + c.length, 0) < input.length; t += 100) {
    await h.run(100);
  }
  h.peer.endWhenDrained();
  const end = await h.runUntilEnded(120_000);
  return { h, end, output: Buffer.concat([Buffer.from('$ '), output]), input };
}

describe('session under faults', () => {
  it('keeps output and input byte-identical under drop/dup/reorder/withheld acks and 1006 drops', async () => {
    await fc.assert(
      fc.asyncProperty(plan, async (p) => {
        const { h, end, output, input } = await runPlan(p);
        expect(end).toEqual({ kind: 'completed' });
        expect(sha256(h.output())).toBe(sha256(output));
        expect(sha256(h.peer.inputBytes)).toBe(sha256(input));
        expect(h.peer.invalid).toEqual([]);
      }),
      { numRuns: 25 },
    );
  });

  it('a heavy fixed plan: every 3rd frame dropped, every 2nd duplicated, two reconnects', async () => {
    const { h, end, output } = await runPlan({
      seed: 7,
      size: 60_000,
      dropEvery: 3,
      dupEvery: 2,
      reorderEvery: 4,
      withholdEvery: 2,
      dropConnectionAfter: [10, 20],
    });
    expect(end.kind).toBe('completed');
    expect(sha256(h.output())).toBe(sha256(output));
    expect(h.session.stats.reconnects).toBe(2);
    expect(h.session.stats.duplicates).toBeGreaterThan(0);
    expect(h.session.stats.outOfOrder).toBeGreaterThan(0);
  });
});
