import { describe, expect, it } from 'vitest';
import { DiagError } from '../../../src/errors.js';
import { reconnectDelays } from '../../../src/session/reconnect-policy.js';
import { INITIAL_STATE, inputAllowed, type SessionState, transition } from '../../../src/session/state.js';

const drop = (canResume: boolean) => ({ type: 'dropped', code: 1006, reason: '', canResume }) as const;

describe('session state machine', () => {
  it('connecting → awaiting-type → open on the first output, flushing held input', () => {
    const a = transition(INITIAL_STATE, { type: 'connected' });
    expect(a.state).toEqual({ phase: 'awaiting-type' });
    expect(inputAllowed(a.state)).toBe(false);
    const b = transition(a.state, { type: 'output-received' });
    expect(b).toEqual({ state: { phase: 'open' }, effects: [{ type: 'flush-input' }] });
    expect(inputAllowed(b.state)).toBe(true);
  });

  it('handshake: awaiting-type → handshaking → open', () => {
    const a = transition({ phase: 'awaiting-type' }, { type: 'handshake-requested' });
    expect(a.state.phase).toBe('handshaking');
    expect(transition(a.state, { type: 'output-received' }).state.phase).toBe('handshaking');
    expect(transition(a.state, { type: 'handshake-completed' }).effects).toEqual([{ type: 'flush-input' }]);
  });

  it('a drop reconnects back into the phase it left, or ends without resume', () => {
    const r = transition({ phase: 'handshaking' }, drop(true));
    expect(r.state).toEqual({ phase: 'reconnecting', resumeTo: 'handshaking', closeCode: 1006 });
    expect(r.effects).toEqual([{ type: 'reconnect' }]);
    expect(inputAllowed(transition({ phase: 'open' }, drop(true)).state)).toBe(true);
    expect(transition(r.state, { type: 'connected' })).toEqual({
      state: { phase: 'handshaking' },
      effects: [{ type: 'transmit-unsent' }],
    });
    const lost = transition({ phase: 'open' }, drop(false));
    expect(lost.state.phase).toBe('ended');
    expect(lost.effects[0]).toMatchObject({
      type: 'finish',
      end: { kind: 'connection-lost', closeCode: 1006 },
    });
    const gaveUp = transition(r.state, { type: 'resume-failed', reason: 'gone' });
    expect(gaveUp.effects).toEqual([
      { type: 'finish', end: { kind: 'connection-lost', reason: 'gone', closeCode: 1006 } },
    ]);
  });

  it('channel_closed: empty Output is completed, text is closed-by-service', () => {
    expect(transition({ phase: 'open' }, { type: 'channel-closed', output: '' }).effects).toEqual([
      { type: 'finish', end: { kind: 'completed' } },
    ]);
    expect(transition({ phase: 'open' }, { type: 'channel-closed', output: 'bye' }).effects).toEqual([
      { type: 'finish', end: { kind: 'closed-by-service', reason: 'bye' } },
    ]);
  });

  it('ended is final', () => {
    const ended: SessionState = { phase: 'ended', end: { kind: 'completed' } };
    for (const e of [
      { type: 'connected' },
      { type: 'abort', reason: 'x' },
      { type: 'fail', error: new DiagError('INTERNAL', 'x') },
    ] as const) {
      expect(transition(ended, e)).toEqual({ state: ended, effects: [] });
    }
  });

  it('a connect failure ends only while connecting', () => {
    const error = new DiagError('SESSION_CONNECT_FAILED', 'x');
    expect(transition(INITIAL_STATE, { type: 'connect-failed', error }).state.phase).toBe('ended');
    expect(transition({ phase: 'open' }, { type: 'connect-failed', error }).state.phase).toBe('open');
  });
});

describe('reconnect delays (§2.15)', () => {
  it('start at 100-199 ms and double', () => {
    expect(reconnectDelays(() => 0.5)).toEqual([150, 300, 600, 1200, 2400]);
  });
  it('restart from the initial delay once above 5 s', () => {
    expect(reconnectDelays(() => 0.99, 8)).toEqual([199, 398, 796, 1592, 3184, 199, 398, 796]);
  });
});
