/**
 * Fault injection on the data channel, for tests: drop, duplicate, reorder, delay, close with
 * 1006, corrupt the digest. Each rule is one-shot or fires at a rate, in one direction
 * (`in` = client → emulator, `out` = emulator → client), and clears itself after `times` firings
 * or `ttlMs` (style.md P9: "fault knobs are one-shot and auto-clear").
 *
 * Rules live in one {@link FaultInjector} per gateway; every client connection gets one
 * {@link FaultPipe} per direction, which holds that connection's reorder/delay state. Randomness
 * and timers come from {@link Deps}, so a seeded `deps.random` replays the same faults.
 *
 *   frame ──► FaultPipe.push ──► first matching rule that fires ──► deliver / drop / hold / kill
 *
 * Note: emulator extension. Nothing like this exists in AWS.
 */
import type { Deps, TimerHandle } from '../deps.js';
import { FIELDS } from '../protocol/constants.js';

/** What a rule does to the frame it fires on. */
export type FaultKind = 'drop' | 'duplicate' | 'reorder' | 'delay' | 'close-1006' | 'corrupt-digest';

/** `in`: client → emulator. `out`: emulator → client. */
export type FaultDirection = 'in' | 'out';

/** Every fault kind, for tests that loop over them. */
export const FAULT_KINDS: readonly FaultKind[] = [
  'drop',
  'duplicate',
  'reorder',
  'delay',
  'close-1006',
  'corrupt-digest',
];

/** A rule to add. Without `rate` it is one-shot; with `rate` it fires on that share of frames. */
export interface FaultSpec {
  readonly kind: FaultKind;
  readonly direction: FaultDirection;
  /** Probability in [0, 1] that a matching frame triggers the rule (drawn from `deps.random`). @default 1 */
  readonly rate?: number;
  /** Clears itself after firing this many times. @default 1 without `rate`, unlimited with it */
  readonly times?: number;
  /** Lets this many matching frames pass before the rule may fire. @default 0 */
  readonly after?: number;
  /** Only frames of this MessageType (e.g. `output_stream_data`, `acknowledge`). */
  readonly messageType?: string;
  /** Only frames of this PayloadType. */
  readonly payloadType?: number;
  /** Only this session's connections. */
  readonly sessionId?: string;
  /**
   * `delay`: how long the frame is held. `reorder`: the longest a held frame waits for a
   * successor before it is released anyway. Milliseconds on `deps.clock`. @default 300
   */
  readonly delayMs?: number;
  /** Clears itself this long after being added (milliseconds on `deps.clock`). */
  readonly ttlMs?: number;
}

/** A live rule. */
export interface FaultRule {
  readonly id: number;
  readonly spec: FaultSpec;
  /** How many times it has fired. */
  readonly fired: number;
  /** True once it has cleared itself or been cleared. */
  readonly cleared: boolean;
  clear(): void;
}

/** What the pipe knows about a frame (from the decoded header, when it decodes). */
export interface FaultFrame {
  readonly bytes: Uint8Array;
  readonly messageType?: string;
  readonly payloadType?: number;
}

/** Where a pipe sends frames that survive, and how it kills the connection. */
export interface FaultSink {
  deliver(frame: FaultFrame): void;
  /** Drops the TCP connection without a close frame (the peer sees 1006). */
  kill(): void;
}

/** @default delay for `delay` and the reorder hold limit. */
export const DEFAULT_FAULT_DELAY_MS = 300;

class Rule implements FaultRule {
  readonly id: number;
  readonly spec: FaultSpec;
  fired = 0;
  matched = 0;
  cleared = false;
  readonly #onClear: (rule: Rule) => void;

  constructor(id: number, spec: FaultSpec, onClear: (rule: Rule) => void) {
    this.id = id;
    this.spec = spec;
    this.#onClear = onClear;
  }

  clear(): void {
    if (this.cleared) return;
    this.cleared = true;
    this.#onClear(this);
  }

  matches(sessionId: string, direction: FaultDirection, frame: FaultFrame): boolean {
    const s = this.spec;
    if (this.cleared || s.direction !== direction) return false;
    if (s.sessionId !== undefined && s.sessionId !== sessionId) return false;
    if (s.messageType !== undefined && s.messageType !== frame.messageType) return false;
    if (s.payloadType !== undefined && s.payloadType !== frame.payloadType) return false;
    return true;
  }

  get limit(): number {
    return this.spec.times ?? (this.spec.rate === undefined ? 1 : Number.POSITIVE_INFINITY);
  }
}

/** The rule set of one gateway. */
export class FaultInjector {
  readonly #deps: Deps;
  #rules: Rule[] = [];
  #nextId = 1;

  constructor(deps: Deps) {
    this.#deps = deps;
  }

  /** Adds a rule. Rules are tried in the order they were added; at most one fires per frame. */
  add(spec: FaultSpec): FaultRule {
    if (spec.rate !== undefined && !(spec.rate >= 0 && spec.rate <= 1)) {
      throw new RangeError(`fault rate must be in [0, 1], not ${spec.rate}`);
    }
    const rule = new Rule(this.#nextId++, spec, (r) => {
      this.#rules = this.#rules.filter((x) => x !== r);
    });
    this.#rules.push(rule);
    if (spec.ttlMs !== undefined) this.#deps.clock.setTimeout(() => rule.clear(), spec.ttlMs);
    return rule;
  }

  /** A one-shot rule: fires on the next matching frame, then clears. */
  once(
    kind: FaultKind,
    direction: FaultDirection,
    opts: Omit<FaultSpec, 'kind' | 'direction'> = {},
  ): FaultRule {
    return this.add({ ...opts, kind, direction });
  }

  /** A rule that fires on `rate` of the matching frames until cleared (or `times` firings). */
  atRate(
    kind: FaultKind,
    direction: FaultDirection,
    rate: number,
    opts: Omit<FaultSpec, 'kind' | 'direction' | 'rate'> = {},
  ): FaultRule {
    return this.add({ ...opts, kind, direction, rate });
  }

  /** Removes every rule. Frames already held by a pipe (delay, reorder) are still released. */
  clear(): void {
    for (const r of [...this.#rules]) r.clear();
  }

  /** The live rules. */
  get rules(): readonly FaultRule[] {
    return [...this.#rules];
  }

  /** A pipe for one direction of one connection. */
  pipe(sessionId: string, direction: FaultDirection, sink: FaultSink): FaultPipe {
    return new FaultPipe(this, this.#deps, sessionId, direction, sink);
  }

  /** Picks the rule that fires on `frame`, counting matches and firings. */
  decide(sessionId: string, direction: FaultDirection, frame: FaultFrame): FaultRule | undefined {
    for (const rule of this.#rules) {
      if (!rule.matches(sessionId, direction, frame)) continue;
      rule.matched++;
      if (rule.matched <= (rule.spec.after ?? 0)) continue;
      if (rule.spec.rate !== undefined && this.#deps.random() >= rule.spec.rate) continue;
      rule.fired++;
      if (rule.fired >= rule.limit) rule.clear();
      this.#deps.log.emit({
        time: this.#deps.clock.now(),
        level: 'debug',
        code: 'EMU_I0805',
        message: `fault ${rule.spec.kind} on ${direction} ${frame.messageType ?? 'frame'} of ${sessionId}`,
        data: { sessionId, direction, kind: rule.spec.kind, rule: rule.id, messageType: frame.messageType },
      });
      return rule;
    }
    return undefined;
  }
}

/**
 * One direction of one connection. Holds the frame a `reorder` rule is keeping back and the
 * frames a `delay` rule is sleeping on; {@link close} discards both.
 */
export class FaultPipe {
  readonly #injector: FaultInjector;
  readonly #deps: Deps;
  readonly #sessionId: string;
  readonly #direction: FaultDirection;
  readonly #sink: FaultSink;
  #held: { frame: FaultFrame; timer: TimerHandle } | undefined;
  readonly #delayed = new Set<TimerHandle>();
  #closed = false;

  constructor(
    injector: FaultInjector,
    deps: Deps,
    sessionId: string,
    direction: FaultDirection,
    sink: FaultSink,
  ) {
    this.#injector = injector;
    this.#deps = deps;
    this.#sessionId = sessionId;
    this.#direction = direction;
    this.#sink = sink;
  }

  /** Passes one frame through the rules. */
  push(frame: FaultFrame): void {
    if (this.#closed) return;
    const rule = this.#injector.decide(this.#sessionId, this.#direction, frame);
    const holdMs = rule?.spec.delayMs ?? DEFAULT_FAULT_DELAY_MS;
    switch (rule?.spec.kind) {
      case undefined:
        this.#forward(frame);
        return;
      case 'drop':
        return;
      case 'duplicate':
        this.#forward(frame);
        this.#forward(frame);
        return;
      case 'corrupt-digest':
        this.#forward({ ...frame, bytes: corruptDigest(frame.bytes) });
        return;
      case 'delay': {
        const timer = this.#deps.clock.setTimeout(() => {
          this.#delayed.delete(timer);
          if (!this.#closed) this.#sink.deliver(frame);
        }, holdMs);
        this.#delayed.add(timer);
        return;
      }
      case 'reorder':
        // Keep it back until the next frame has gone out (or holdMs passes).
        this.#releaseHeld();
        this.#held = { frame, timer: this.#deps.clock.setTimeout(() => this.#releaseHeld(), holdMs) };
        return;
      case 'close-1006':
        this.close();
        this.#sink.kill();
        return;
    }
  }

  /** Discards held and delayed frames; later pushes are ignored. */
  close(): void {
    this.#closed = true;
    if (this.#held) this.#deps.clock.clearTimeout(this.#held.timer);
    this.#held = undefined;
    for (const t of this.#delayed) this.#deps.clock.clearTimeout(t);
    this.#delayed.clear();
  }

  #forward(frame: FaultFrame): void {
    this.#sink.deliver(frame);
    this.#releaseHeld();
  }

  #releaseHeld(): void {
    const held = this.#held;
    if (!held) return;
    this.#held = undefined;
    this.#deps.clock.clearTimeout(held.timer);
    if (!this.#closed) this.#sink.deliver(held.frame);
  }
}

/** A copy of `bytes` with the PayloadDigest field inverted (frames too short are returned as-is). */
export function corruptDigest(bytes: Uint8Array): Uint8Array {
  const { offset, length } = FIELDS.payloadDigest;
  if (bytes.length < offset + length) return bytes;
  const out = new Uint8Array(bytes);
  for (let i = offset; i < offset + length; i++) out[i] = (out[i] ?? 0) ^ 0xff;
  return out;
}
