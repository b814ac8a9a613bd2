/**
 * Waiting for a free session slot: ECS Exec refuses a session while the container already runs
 * its SessionWorkersLimit sessions, and a session that just ended may still count for a moment.
 */
import { type Deps, sleep } from '../deps.js';

/** The service refused a session because the container runs SessionWorkersLimit sessions already. */
export function isSessionLimitError(err: unknown): boolean {
  return /maximum session limit/i.test(String((err as Error)?.message ?? ''));
}

/**
 * Calls ExecuteCommand, waiting and retrying while the container's session limit is reached (a
 * session that just ended may still count for a moment): 100 ms doubling to 2 s, ≤ 30 s in all.
 */
export async function executeWithSlot<T>(
  call: () => Promise<T>,
  deps: Deps,
  signal?: AbortSignal,
): Promise<T> {
  const deadline = deps.clock.now() + 30_000;
  for (let delay = 100; ; delay = Math.min(2000, delay * 2)) {
    try {
      return await call();
    } catch (err) {
      if (!isSessionLimitError(err) || deps.clock.now() + delay > deadline) throw err;
    }
    await sleep(deps.clock, delay, signal);
  }
}
