/**
 * A small bounded-concurrency map: at most `limit` calls in flight, results in input order.
 * After `signal` aborts no new item starts; items already running finish.
 */

/** Maps `items` through `fn`, `limit` at a time. Rejects with the first error once running work drains. */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  signal: AbortSignal,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (next < items.length && failure === undefined && !signal.aborted) {
      const i = next++;
      try {
        results[i] = await fn(items[i] as T, i);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  const n = Math.max(1, Math.min(limit, items.length));
  await Promise.all(Array.from({ length: n }, worker));
  if (failure !== undefined) throw failure.error;
  return signal.aborted ? results.filter((_, i) => i < next) : results;
}
