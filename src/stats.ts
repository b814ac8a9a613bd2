/**
 * Order statistics shared by the analyzer (session durations) and the matrix (the kill window).
 */

/** Count, min, median and max of some numbers. */
export interface MinMedianMax {
  readonly count: number;
  readonly min: number;
  readonly median: number;
  readonly max: number;
}

/** Min/median/max of `values` (median of an even count: the mean of the middle two); null when empty. */
export function minMedianMax(values: readonly number[]): MinMedianMax | null {
  if (values.length === 0) return null;
  const v = [...values].sort((a, b) => a - b);
  const mid = Math.floor(v.length / 2);
  const median = v.length % 2 === 1 ? (v[mid] as number) : ((v[mid - 1] as number) + (v[mid] as number)) / 2;
  return { count: v.length, min: v[0] as number, median, max: v[v.length - 1] as number };
}
