import { describe, expect, it } from 'vitest';
import { percentile, type SweepGrid, sweepDeadlineMs, sweepLateMs } from '../../bench/emulator.js';

describe('percentile (nearest rank)', () => {
  it('picks the ranked sample, whatever the input order', () => {
    const xs = [5, 1, 4, 2, 3];
    expect(percentile(xs, 50)).toBe(3);
    expect(percentile(xs, 99)).toBe(5);
    expect(percentile(xs, 100)).toBe(5);
    expect(percentile(xs, 1)).toBe(1);
    expect(xs).toEqual([5, 1, 4, 2, 3]);
  });

  it('gives p50 = the 25th and p99 = the 50th of 50 samples', () => {
    const xs = Array.from({ length: 50 }, (_, i) => 50 - i);
    expect(percentile(xs, 50)).toBe(25);
    expect(percentile(xs, 99)).toBe(50);
  });

  it('is NaN for no samples', () => {
    expect(percentile([], 50)).toBeNaN();
  });
});

describe('sweepDeadlineMs', () => {
  const grid: SweepGrid = { originMs: 1_000_000, phaseS: 17.5, intervalS: 60 };
  const first = grid.originMs + 17_500;

  it('is the first tick at or after start + idle', () => {
    const start = grid.originMs + 3_000;
    const d = sweepDeadlineMs(start, 1200, grid);
    expect(d).toBeGreaterThanOrEqual(start + 1_200_000);
    expect(d).toBeLessThan(start + 1_260_000);
    expect((d - first) % 60_000).toBe(0);
  });

  it('is the tick itself when the session is due exactly on it', () => {
    const start = first + 5 * 60_000 - 1_200_000;
    expect(sweepDeadlineMs(start, 1200, grid)).toBe(first + 5 * 60_000);
    expect(sweepDeadlineMs(start + 1, 1200, grid)).toBe(first + 6 * 60_000);
  });

  it('never goes before the first tick', () => {
    expect(sweepDeadlineMs(grid.originMs - 2_000_000, 1200, grid)).toBe(first);
  });
});

describe('sweepLateMs', () => {
  const grid: SweepGrid = { originMs: 0, phaseS: 10, intervalS: 60 };

  it('is signed against the nearest tick', () => {
    expect(sweepLateMs(70_000 + 5_300, grid)).toBe(5_300);
    expect(sweepLateMs(70_000 - 100, grid)).toBe(-100);
    expect(sweepLateMs(10_000, grid)).toBe(0);
  });
});
