import { describe, expect, it } from 'vitest';
import { corruptDigest, type FaultFrame, FaultInjector, type FaultPipe } from '../../src/emulator/faults.js';
import { testDeps } from '../helpers/manual-clock.js';

function frame(n: number, messageType = 'output_stream_data'): FaultFrame {
  const bytes = new Uint8Array(130);
  bytes[0] = n;
  return { bytes, messageType };
}

function setup(seed = 7) {
  const deps = testDeps(seed);
  const faults = new FaultInjector(deps);
  const delivered: number[] = [];
  let killed = 0;
  const pipe = (direction: 'in' | 'out' = 'out', sessionId = 's1'): FaultPipe =>
    faults.pipe(sessionId, direction, {
      deliver: (f) => delivered.push(f.bytes[0] ?? -1),
      kill: () => killed++,
    });
  return { deps, faults, delivered, pipe, killed: () => killed };
}

describe('FaultInjector', () => {
  it('passes frames through untouched when no rule is set', () => {
    const { pipe, delivered } = setup();
    const p = pipe();
    for (let i = 0; i < 5; i++) p.push(frame(i));
    expect(delivered).toEqual([0, 1, 2, 3, 4]);
  });

  it('drops once, then clears itself', () => {
    const { faults, pipe, delivered } = setup();
    const rule = faults.once('drop', 'out');
    const p = pipe();
    for (let i = 0; i < 3; i++) p.push(frame(i));
    expect(delivered).toEqual([1, 2]);
    expect(rule.cleared).toBe(true);
    expect(rule.fired).toBe(1);
    expect(faults.rules).toEqual([]);
  });

  it('respects direction, message type, session and `after`', () => {
    const { faults, pipe, delivered } = setup();
    faults.once('drop', 'out', { messageType: 'acknowledge', sessionId: 's1', after: 1 });
    pipe('in').push(frame(0, 'acknowledge'));
    pipe('out', 's2').push(frame(1, 'acknowledge'));
    const p = pipe('out');
    p.push(frame(2, 'output_stream_data'));
    p.push(frame(3, 'acknowledge')); // first match: let through (after: 1)
    p.push(frame(4, 'acknowledge')); // dropped
    p.push(frame(5, 'acknowledge'));
    expect(delivered).toEqual([0, 1, 2, 3, 5]);
  });

  it('duplicates', () => {
    const { faults, pipe, delivered } = setup();
    faults.once('duplicate', 'out');
    const p = pipe();
    p.push(frame(0));
    p.push(frame(1));
    expect(delivered).toEqual([0, 0, 1]);
  });

  it('reorders a frame behind its successor, or releases it after delayMs', () => {
    const { faults, pipe, delivered, deps } = setup();
    faults.once('reorder', 'out');
    const p = pipe();
    p.push(frame(0));
    p.push(frame(1));
    expect(delivered).toEqual([1, 0]);
    faults.once('reorder', 'out', { delayMs: 50 });
    p.push(frame(2));
    expect(delivered).toEqual([1, 0]);
    deps.clock.advance(50);
    expect(delivered).toEqual([1, 0, 2]);
  });

  it('delays on the injected clock', () => {
    const { faults, pipe, delivered, deps } = setup();
    faults.once('delay', 'out', { delayMs: 100 });
    const p = pipe();
    p.push(frame(0));
    p.push(frame(1));
    expect(delivered).toEqual([1]);
    deps.clock.advance(99);
    expect(delivered).toEqual([1]);
    deps.clock.advance(1);
    expect(delivered).toEqual([1, 0]);
  });

  it('close-1006 kills the connection and swallows later frames', () => {
    const s = setup();
    s.faults.once('close-1006', 'out', { after: 1 });
    const p = s.pipe();
    p.push(frame(0));
    p.push(frame(1));
    p.push(frame(2));
    expect(s.delivered).toEqual([0]);
    expect(s.killed()).toBe(1);
  });

  it('corrupts the digest field only', () => {
    const bytes = new Uint8Array(130).fill(1);
    const bad = corruptDigest(bytes);
    expect(bad).not.toBe(bytes);
    expect([...bad.subarray(80, 112)].every((b) => b === 0xfe)).toBe(true);
    expect([...bad.subarray(0, 80), ...bad.subarray(112)].every((b) => b === 1)).toBe(true);
    expect(corruptDigest(new Uint8Array(10))).toHaveLength(10);
  });

  it('fires at a seeded rate, reproducibly, and honours `times`', () => {
    const run = (seed: number) => {
      const s = setup(seed);
      s.faults.atRate('drop', 'out', 0.5);
      const p = s.pipe();
      for (let i = 0; i < 100; i++) p.push(frame(i));
      return s.delivered;
    };
    const a = run(3);
    expect(run(3)).toEqual(a);
    expect(a.length).toBeGreaterThan(20);
    expect(a.length).toBeLessThan(80);

    const s = setup();
    const rule = s.faults.atRate('drop', 'out', 1, { times: 3 });
    const p = s.pipe();
    for (let i = 0; i < 6; i++) p.push(frame(i));
    expect(s.delivered).toEqual([3, 4, 5]);
    expect(rule.cleared).toBe(true);
  });

  it('auto-clears after ttlMs', () => {
    const s = setup();
    s.faults.atRate('drop', 'out', 1, { ttlMs: 1000 });
    const p = s.pipe();
    p.push(frame(0));
    s.deps.clock.advance(1000);
    p.push(frame(1));
    expect(s.delivered).toEqual([1]);
  });

  it('refuses a rate outside [0, 1]', () => {
    const { faults } = setup();
    expect(() => faults.atRate('drop', 'out', 2)).toThrow(RangeError);
  });
});
