/**
 * The side-effect seams: clock, timers, ids, randomness and the event sink.
 *
 * Real implementations are built once, in `src/cli/main.ts` (the composition root). Tests pass
 * a manual clock (`test/helpers/manual-clock.ts`) that advances explicitly.
 */
import { randomUUID } from 'node:crypto';

/** An opaque timer handle. */
export type TimerHandle = { readonly __timer: unique symbol } | ReturnType<typeof setTimeout>;

/** Wall clock plus timers. `now()` is epoch milliseconds. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** Id generation. */
export interface Ids {
  /** A lowercase, hyphenated UUID v4. */
  uuid(): string;
}

/** Severity of an event. */
export type EventLevel = 'debug' | 'info' | 'warn' | 'error';

/** One coded event. Core code emits these instead of printing. */
export interface DiagEvent {
  readonly time: number;
  readonly level: EventLevel;
  /** Stable code, e.g. `SCN_I0100`. */
  readonly code: string;
  readonly message: string;
  readonly data?: Record<string, unknown>;
}

/** Where core code sends its events. The CLI renders them; tests record them. */
export interface EventSink {
  emit(event: DiagEvent): void;
}

/** Everything with a side effect that the core needs, in one object. */
export interface Deps {
  readonly clock: Clock;
  readonly ids: Ids;
  /** Uniform in [0, 1). */
  readonly random: () => number;
  readonly log: EventSink;
}

/** The real clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/** Real UUID v4 ids. */
export const systemIds: Ids = { uuid: () => randomUUID() };

/** A sink that drops everything. */
export const nullSink: EventSink = { emit: () => {} };

/** Builds the real Deps. Only the composition root (and benchmarks) should call this. */
export function systemDeps(log: EventSink = nullSink): Deps {
  return { clock: systemClock, ids: systemIds, random: Math.random, log };
}

/** Sleeps on the given clock; rejects with the signal's reason when aborted. */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clock.clearTimeout(handle);
      reject(signal?.reason);
    };
    const handle = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
