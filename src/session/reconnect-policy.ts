/**
 * The reconnect delay of the plugin: initial 100–199 ms (random), doubled per attempt; when the
 * next delay would pass 5000 ms it restarts from a fresh initial delay. 5 retries.
 *
 * @see ssm-data-channel.md §2.15, §5
 * @see aws/session-manager-plugin src/retry/retryer.go
 */

/** Retries after a drop before giving up. */
export const RECONNECT_RETRIES = 5;
/** Lower bound of the initial delay, ms. */
export const RECONNECT_INITIAL_MIN_MS = 100;
/** Width of the random part of the initial delay, ms. */
export const RECONNECT_JITTER_MS = 100;
/** The delay above which the sequence restarts, ms. */
export const RECONNECT_RESET_ABOVE_MS = 5000;

/** The delays (ms) before each of `retries` attempts, drawing from `random` ∈ [0,1). */
export function reconnectDelays(random: () => number, retries = RECONNECT_RETRIES): number[] {
  const initial = () => RECONNECT_INITIAL_MIN_MS + Math.floor(random() * RECONNECT_JITTER_MS);
  const out: number[] = [];
  let delay = initial();
  for (let i = 0; i < retries; i++) {
    out.push(delay);
    delay *= 2;
    if (delay > RECONNECT_RESET_ABOVE_MS) delay = initial();
  }
  return out;
}
