import { describe, expect, it } from 'vitest';
import { classifyMarkers } from '../../../src/scenarios/case-outcome.js';
import {
  type Markers,
  parseMarkers,
  parseStamp,
  type TimeOrigin,
} from '../../../src/scenarios/instrumentation.js';

/** Epoch-ns stamp text `s` real seconds after 1_700_000_000 s. */
const at = (s: number) => `${BigInt(Math.round((1_700_000_000 + s) * 1e9))} -`;
const origin: TimeOrigin = { timeScale: 0.01, sameClock: true, epochMs: 1_700_000_000_000 };
const markers = (lines: string[]): Markers => parseMarkers(lines.map((l) => `ecsdiag:${l}\r`).join('\n'));

describe('markers', () => {
  it('parses stamps from date +%s%N, /proc/uptime, or both', () => {
    expect(parseStamp('1700000000123456789 -')).toEqual({ epochMs: 1700000000123.456 });
    expect(parseStamp('- 12.34')).toEqual({ uptimeS: 12.34 });
    expect(parseStamp('- -')).toBeUndefined();
  });

  it('ignores banners and foreign lines, keeps nohup lines', () => {
    const m = parseMarkers(
      'Starting session\r\necsdiag:start=- 1.00\r\nnoise\necsdiag:nohup=/nohup.out:ecs-diag r/c started\n',
    );
    expect(m.start).toEqual({ uptimeS: 1 });
    expect(m.nohup).toEqual([{ file: '/nohup.out', line: 'ecs-diag r/c started' }]);
  });
});

describe('classifyMarkers (scale 0.01: 1 real s = 100 logical s)', () => {
  it('killed: no exit status, the watcher stamped the disappearance', () => {
    const c = classifyMarkers(
      markers([`start=${at(0.01)}`, 'payload.pid=10 11', `gone=${at(12.345)}`, `leader-gone=${at(12.34)}`]),
      origin,
    );
    expect(c.outcome).toBe('killed');
    expect(c.killedAtS).toBeCloseTo(1234.5, 1);
    expect(c.killPrecision).toBe('watcher');
  });

  it('killed by a signal the payload reported (status ≥ 128)', () => {
    const c = classifyMarkers(
      markers([`start=${at(0)}`, 'payload.pid=1 2', 'exit=137', `gone=${at(3)}`]),
      origin,
    );
    expect(c.outcome).toBe('killed');
    expect(c.exitStatus).toBe(137);
  });

  it('killed without a watcher stamp falls back to the last heartbeat', () => {
    const c = classifyMarkers(markers([`start=${at(0)}`, 'payload.pid=1 2', `hb=${at(5)}`]), origin);
    expect(c).toMatchObject({ outcome: 'killed', killedAtS: 500, killPrecision: 'heartbeat' });
  });

  it('completed: exit status, the session ended with it', () => {
    const c = classifyMarkers(
      markers([
        `start=${at(0)}`,
        'payload.pid=1 2',
        'exit=0',
        `end=${at(6)}`,
        `gone=${at(6)}`,
        `leader-gone=${at(6.001)}`,
      ]),
      origin,
    );
    expect(c).toMatchObject({ outcome: 'completed', endS: 600, exitStatus: 0 });
  });

  it('survived: the payload completed long after the session ended', () => {
    const c = classifyMarkers(
      markers([`start=${at(0)}`, 'payload.pid=1 2', 'exit=0', `end=${at(18)}`, `leader-gone=${at(0.02)}`]),
      origin,
    );
    expect(c).toMatchObject({ outcome: 'survived', endS: 1800 });
  });

  it("uses the service's session end when it is known", () => {
    const c = classifyMarkers(
      markers([`start=${at(0)}`, 'payload.pid=1 2', 'exit=0', `end=${at(18)}`]),
      origin,
      1230,
    );
    expect(c).toMatchObject({ outcome: 'survived', sessionEndS: 1230 });
  });

  it('pending while the payload runs and the session is up; survived once the session ended', () => {
    const running = [`start=${at(0)}`, 'payload.pid=1 2', 'running=2'];
    expect(classifyMarkers(markers(running), origin).outcome).toBe('pending');
    expect(classifyMarkers(markers([...running, `leader-gone=${at(1)}`]), origin)).toMatchObject({
      outcome: 'survived',
      stillRunning: true,
    });
  });

  it('errors: no markers, a setup error, a payload that never started', () => {
    expect(classifyMarkers(markers(['missing=1']), origin).outcome).toBe('error');
    expect(classifyMarkers(markers([`start=${at(0)}`, 'error=nohup not found']), origin)).toMatchObject({
      outcome: 'error',
      error: 'nohup not found',
    });
    expect(classifyMarkers(markers([`start=${at(0)}`, `gone=${at(0.1)}`]), origin).outcome).toBe('error');
  });

  it('without a shared clock, times count from the wrapper start', () => {
    const c = classifyMarkers(markers(['start=- 100.00', 'payload.pid=1 2', 'gone=- 1330.50']), {
      timeScale: 1,
      sameClock: false,
    });
    expect(c.killedAtS).toBeCloseTo(1230.5, 2);
  });
});
