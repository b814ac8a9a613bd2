import { describe, expect, it } from 'vitest';
import { runMatrix } from '../../../src/scenarios/run-matrix.js';

function gate() {
  let open!: () => void;
  const p = new Promise<void>((r) => {
    open = r;
  });
  return { p, open };
}
const tick = () => new Promise((r) => setImmediate(r));

describe('runMatrix', () => {
  it('never exceeds a target limit nor the overall cap, and runs every cell', async () => {
    const live = new Map<string, number>();
    let peak = 0;
    let peakA = 0;
    const cells = Array.from({ length: 12 }, (_, i) => i);
    const out = await runMatrix({
      cells,
      targets: [
        { id: 'a', limit: 2 },
        { id: 'b', limit: 1 },
      ],
      runCell: async (cell, t) => {
        live.set(t, (live.get(t) ?? 0) + 1);
        peak = Math.max(
          peak,
          [...live.values()].reduce((x, y) => x + y, 0),
        );
        peakA = Math.max(peakA, live.get('a') ?? 0);
        expect(live.get('b') ?? 0).toBeLessThanOrEqual(1);
        for (let i = 0; i < (cell % 3) + 1; i++) await tick();
        live.set(t, (live.get(t) ?? 1) - 1);
        return cell * 10;
      },
      onError: () => -1,
    });
    expect(peak).toBeLessThanOrEqual(3);
    expect(peakA).toBe(2);
    expect(out.results.map((r) => r.result).sort((x, y) => x - y)).toEqual(cells.map((c) => c * 10));
    expect(out.notStarted).toEqual([]);
  });

  it('turns a thrown error into a result and goes on', async () => {
    const out = await runMatrix({
      cells: [1, 2, 3],
      targets: [{ id: 'a', limit: 1 }],
      runCell: async (c) => {
        if (c === 2) throw Object.assign(new Error('boom'), { code: 'X' });
        return `ok${c}`;
      },
      onError: (c, _t, err) => `error${c}:${(err as { code: string }).code}`,
    });
    expect(out.results.map((r) => r.result)).toEqual(['ok1', 'error2:X', 'ok3']);
  });

  it('after abort starts nothing new, hands running cells the signal and waits for them', async () => {
    const ac = new AbortController();
    const started: number[] = [];
    const g = gate();
    const done = runMatrix({
      cells: [1, 2, 3, 4],
      targets: [{ id: 'a', limit: 2 }],
      signal: ac.signal,
      runCell: async (c, _t, signal) => {
        started.push(c);
        await g.p;
        return signal.aborted ? `interrupted${c}` : `ok${c}`;
      },
      onError: () => 'error',
    });
    await tick();
    expect(started).toEqual([1, 2]);
    ac.abort();
    g.open();
    const out = await done;
    expect(started).toEqual([1, 2]);
    expect(out.results.map((r) => r.result).sort()).toEqual(['interrupted1', 'interrupted2']);
    expect(out.notStarted).toEqual([3, 4]);
  });

  it('honours a concurrency cap below the slots', async () => {
    let live = 0;
    let peak = 0;
    await runMatrix({
      cells: [1, 2, 3, 4, 5],
      targets: [{ id: 'a', limit: 5 }],
      concurrency: 2,
      runCell: async () => {
        peak = Math.max(peak, ++live);
        await tick();
        live--;
      },
      onError: () => undefined,
    });
    expect(peak).toBe(2);
  });
});
