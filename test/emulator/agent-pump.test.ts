/** The output pump's pacing, chunking and pause, on a scripted reader and a manual clock. */
import { describe, expect, it } from 'vitest';
import { OutputPump, type PumpReader } from '../../src/emulator/agent/output-pump.js';
import { ManualClock } from '../helpers/manual-clock.js';

/** A pty that has `data` to give; records each read's time and size limit. */
class ScriptedPty implements PumpReader {
  reads: Array<{ at: number; max: number }> = [];
  #data: Buffer;
  #clock: ManualClock;
  constructor(data: Buffer, clock: ManualClock) {
    this.#data = data;
    this.#clock = clock;
  }
  async read(max: number): Promise<Uint8Array | null> {
    this.reads.push({ at: this.#clock.now(), max });
    if (this.#data.length === 0) return null;
    const chunk = this.#data.subarray(0, max);
    this.#data = this.#data.subarray(max);
    return chunk;
  }
}

const OPTS = { chunkBytes: 1024, firstReadDelayMs: 1000, readIntervalMs: 1 };

describe('OutputPump', () => {
  it('waits 1 s before the first read, reads ≤ 1024 bytes, 1 ms apart, and ends at EOF', async () => {
    const clock = new ManualClock(0);
    const pty = new ScriptedPty(Buffer.alloc(2500, 0x61), clock);
    const chunks: Uint8Array[] = [];
    const done = new OutputPump(pty, OPTS, clock, (c) => chunks.push(c)).run();
    await clock.advanceAsync(999, 1);
    expect(pty.reads).toHaveLength(0);
    await clock.advanceAsync(10, 1);
    await done;
    expect(pty.reads.map((r) => r.at)).toEqual([1000, 1001, 1002, 1003]);
    expect(pty.reads.every((r) => r.max === 1024)).toBe(true);
    expect(chunks.map((c) => c.length)).toEqual([1024, 1024, 452]);
  });

  it('issues no read while paused and resumes where it stopped', async () => {
    const clock = new ManualClock(0);
    const pty = new ScriptedPty(Buffer.alloc(3000, 0x62), clock);
    const chunks: Uint8Array[] = [];
    const pump = new OutputPump(pty, OPTS, clock, (c) => chunks.push(c));
    pump.setPaused(true);
    const done = pump.run();
    await clock.advanceAsync(5000, 5);
    expect(pty.reads).toHaveLength(0);
    pump.setPaused(false);
    await clock.advanceAsync(10, 1);
    await done;
    expect(Buffer.concat(chunks).length).toBe(3000);
  });

  it('holds an incomplete UTF-8 tail for the next payload and sends no empty payload', async () => {
    const clock = new ManualClock(0);
    const euro = Buffer.from('€');
    const text = Buffer.concat([Buffer.alloc(1023, 0x61), euro]); // the 1024-byte read ends mid-€
    const pty = new ScriptedPty(text, clock);
    const chunks: Uint8Array[] = [];
    const done = new OutputPump(pty, OPTS, clock, (c) => chunks.push(c)).run();
    await clock.advanceAsync(1010, 1);
    await done;
    expect(chunks.map((c) => c.length)).toEqual([1023, 3]);
    expect(Buffer.from(chunks[1] as Uint8Array).toString()).toBe('€');
  });

  it('stop() ends the pump without another read', async () => {
    const clock = new ManualClock(0);
    const pty = new ScriptedPty(Buffer.alloc(100_000, 0x63), clock);
    const pump = new OutputPump(pty, OPTS, clock, () => {});
    const done = pump.run();
    await clock.advanceAsync(1003, 1);
    const reads = pty.reads.length;
    pump.stop();
    await done;
    await clock.advanceAsync(100, 1);
    expect(pty.reads.length).toBe(reads);
  });
});
