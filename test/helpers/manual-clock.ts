import type { Clock, Deps, DiagEvent, EventSink, Ids, TimerHandle } from '../../src/deps.js';

interface Pending {
  id: number;
  at: number;
  fn: () => void;
}

/** A clock that only moves when told to. Timers fire in deadline order during `advance`. */
export class ManualClock implements Clock {
  #now: number;
  #seq = 0;
  #timers: Pending[] = [];

  constructor(start = 1_700_000_000_000) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = ++this.#seq;
    this.#timers.push({ id, at: this.#now + Math.max(0, ms), fn });
    return id as unknown as TimerHandle;
  }

  clearTimeout(handle: TimerHandle): void {
    this.#timers = this.#timers.filter((t) => t.id !== (handle as unknown as number));
  }

  /** Number of timers not yet fired. */
  get pending(): number {
    return this.#timers.length;
  }

  /** Moves time forward by `ms`, firing due timers in order (including ones they schedule). */
  advance(ms: number): void {
    const target = this.#now + ms;
    for (;;) {
      this.#timers.sort((a, b) => a.at - b.at || a.id - b.id);
      const next = this.#timers[0];
      if (!next || next.at > target) break;
      this.#timers.shift();
      this.#now = next.at;
      next.fn();
    }
    this.#now = target;
  }

  /** Advances in steps, letting promise callbacks run between steps. */
  async advanceAsync(ms: number, step = 10): Promise<void> {
    let left = ms;
    while (left > 0) {
      const d = Math.min(step, left);
      this.advance(d);
      left -= d;
      await new Promise<void>((r) => setImmediate(r));
    }
  }
}

/** Sequential, predictable ids. */
export function counterIds(prefix = '00000000-0000-4000-8000-'): Ids {
  let n = 0;
  return { uuid: () => `${prefix}${(++n).toString(16).padStart(12, '0')}` };
}

/** A sink that records events. */
export class RecordingSink implements EventSink {
  readonly events: DiagEvent[] = [];
  emit(event: DiagEvent): void {
    this.events.push(event);
  }
}

/** Deps for a test: manual clock, counter ids, seeded random, recording sink. */
export function testDeps(seed = 42): Deps & { clock: ManualClock; log: RecordingSink } {
  let s = seed >>> 0;
  const random = () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  return { clock: new ManualClock(), ids: counterIds(), random, log: new RecordingSink() };
}
