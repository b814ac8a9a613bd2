/**
 * The agent's write pump (`writePump`): pty → data channel.
 *
 *   sleep firstReadDelayMs ─▶ ┌─ paused? wait for resume
 *                             │  read ≤ chunkBytes from the pty ── EOF ─▶ done (held bytes dropped)
 *                             │  held + read → split: send now / hold back (UTF-8, see splitOutput)
 *                             │  send (never empty)
 *                             └─ sleep readIntervalMs
 *
 * The timings are real time (they are not service timers and are not scaled).
 * @see AGENT agent/session/shell/shell.go writePump; ssm-data-channel.md §2.5, §2.11
 */
import type { Clock, TimerHandle } from '../../deps.js';
import { splitOutput } from './utf8-holdback.js';

/** Where the pump reads from: one read of at most `max` bytes, null at EOF. */
export interface PumpReader {
  read(max: number): Promise<Uint8Array | null>;
}

/** The pump's numbers (BehaviourProfile.pump). */
export interface PumpOptions {
  readonly chunkBytes: number;
  readonly firstReadDelayMs: number;
  readonly readIntervalMs: number;
}

/** Reads a pty and hands out payloads as the agent does. */
export class OutputPump {
  #reader: PumpReader;
  #opts: PumpOptions;
  #clock: Clock;
  #sink: (chunk: Uint8Array) => void;
  #paused = false;
  #resume: (() => void) | undefined;
  #stopped = false;
  #wake: (() => void) | undefined;
  #timer: TimerHandle | undefined;

  constructor(reader: PumpReader, opts: PumpOptions, clock: Clock, sink: (chunk: Uint8Array) => void) {
    this.#reader = reader;
    this.#opts = opts;
    this.#clock = clock;
    this.#sink = sink;
  }

  /** While paused no read is issued (a read already in flight still delivers). */
  setPaused(paused: boolean): void {
    this.#paused = paused;
    if (!paused) {
      const resume = this.#resume;
      this.#resume = undefined;
      resume?.();
    }
  }

  /** Stops the pump (cancel path): no further reads. */
  stop(): void {
    this.#stopped = true;
    this.setPaused(false);
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#wake?.();
  }

  /** Runs until the pty reaches EOF or the pump is stopped. */
  async run(): Promise<void> {
    await this.#sleep(this.#opts.firstReadDelayMs);
    let held: Uint8Array = new Uint8Array(0);
    while (!this.#stopped) {
      if (this.#paused) await new Promise<void>((r) => (this.#resume = r));
      if (this.#stopped) break;
      const data = await this.#reader.read(this.#opts.chunkBytes);
      if (data === null) break;
      const { send, keep } = splitOutput(held.length === 0 ? data : Buffer.concat([held, data]));
      held = keep;
      if (send.length > 0) this.#sink(send);
      await this.#sleep(this.#opts.readIntervalMs);
    }
  }

  #sleep(ms: number): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    return new Promise((resolve) => {
      this.#wake = resolve;
      this.#timer = this.#clock.setTimeout(() => {
        this.#timer = undefined;
        this.#wake = undefined;
        resolve();
      }, ms);
    });
  }
}
