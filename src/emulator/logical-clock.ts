/**
 * Logical time over a real clock: the emulator runs `timeScale` times faster than logical time,
 * so a logical second lasts `timeScale` real seconds (0.01 → 10 ms). Every service timer (the idle
 * timeout, the sweep) and every reported time (API timestamps, log lines, reports) is logical.
 */
import type { Clock, TimerHandle } from '../deps.js';
import { DiagError } from '../errors.js';
import type { LogicalClock } from './contracts.js';

/**
 * Builds a {@link LogicalClock}. Logical time starts equal to the real time at creation and then
 * advances `1 / timeScale` times as fast, so timestamps stay plausible epoch values.
 */
export function createLogicalClock(clock: Clock, timeScale: number): LogicalClock {
  if (!Number.isFinite(timeScale) || timeScale <= 0) {
    throw new DiagError('CLI_BAD_ARGUMENT', `time scale must be a number greater than 0, not ${timeScale}`);
  }
  const origin = clock.now();
  return {
    timeScale,
    now: () => origin + (clock.now() - origin) / timeScale,
    setTimeout: (fn, logicalMs) => clock.setTimeout(fn, Math.max(0, logicalMs) * timeScale),
    clearTimeout: (handle) => clock.clearTimeout(handle as TimerHandle),
  };
}
