/**
 * The service model (MGS) on a manual clock: when idle sessions die, what resets the timer, what
 * the preferences change (nothing, unless the profile says so), and how a session whose command
 * ended lingers as Terminating. Kill times are checked against the profile's numbers, not constants.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type {
  AgentSessionHandle,
  BehaviourProfile,
  DataChannelGateway,
} from '../../src/emulator/contracts.js';
import { createLogicalClock } from '../../src/emulator/logical-clock.js';
import { loadProfile } from '../../src/emulator/profile.js';
import { SessionModel, type SessionPreferences } from '../../src/emulator/service-model/session-model.js';
import type { SessionRecord } from '../../src/emulator/state/world-state.js';
import { testDeps } from '../helpers/manual-clock.js';
import { FakeSession } from './fake-agent-host.js';

class RecordingGateway implements DataChannelGateway {
  readonly closed: Array<{ sessionId: string; output: string; at: number }> = [];
  constructor(readonly now: () => number) {}
  openChannel(): void {}
  addToken(): void {}
  closeChannel(sessionId: string, output: string): void {
    this.closed.push({ sessionId, output, at: this.now() });
  }
  streamUrl(id: string): string {
    return `ws://x/${id}`;
  }
}

function setup(
  profile: BehaviourProfile,
  opts: { timeScale?: number; prefs?: SessionPreferences; seed?: number } = {},
) {
  const deps = testDeps(opts.seed ?? 7);
  const clock = createLogicalClock(deps.clock, opts.timeScale ?? 1);
  const gateway = new RecordingGateway(() => clock.now());
  const model = new SessionModel({
    clock,
    profile,
    random: deps.random,
    gateway,
    log: deps.log,
    preferences: () => opts.prefs ?? {},
    changed: () => {},
  });
  model.start();
  const t0 = clock.now();
  let n = 0;
  const open = (extra: Partial<SessionRecord> = {}) => {
    const id = `ecs-execute-command-${String(++n).padStart(17, '0')}`;
    const record: SessionRecord = {
      sessionId: id,
      target: 'ecs:default_t_r',
      status: 'Connected',
      startDate: clock.now(),
      owner: 'arn:aws:iam::000000000000:root',
      documentName: 'AmazonECS-ExecuteInteractiveCommand',
      clusterName: 'default',
      taskId: 't',
      containerName: 'app',
      command: 'sleep 1800',
      lastActivityAt: clock.now(),
      ...extra,
    };
    const agent = new FakeSession(id, record.command);
    model.register(record, agent as AgentSessionHandle);
    return { record, agent };
  };
  /** Advances logical seconds (in real ms scaled by timeScale). */
  const advanceS = async (s: number) =>
    deps.clock.advanceAsync(s * 1000 * clock.timeScale, 1000 * clock.timeScale);
  const elapsedS = (at: number, from: number) => (at - from) / 1000;
  return { deps, clock, gateway, model, open, advanceS, elapsedS, t0 };
}

/** The first sweep tick at or after `deadline` on the model's grid. */
const expectedKill = (t0: number, phaseS: number, intervalS: number, deadline: number) => {
  const k = Math.ceil((deadline - t0 - phaseS * 1000) / (intervalS * 1000));
  return t0 + phaseS * 1000 + Math.max(1, k) * intervalS * 1000;
};

describe('idle expiry', () => {
  it.each([
    ['default', 1],
    ['default', 0.01],
    ['short-window', 1],
    ['short-window', 0.01],
  ])(
    'kills an idle session on the sweep after idleTimeoutS (%s profile, scale %s)',
    async (name, timeScale) => {
      const profile = loadProfile(name);
      const { gateway, model, open, advanceS, clock, t0, elapsedS } = setup(profile, { timeScale });
      await advanceS(17.5); // start off the grid
      const { record, agent } = open();
      await advanceS(profile.idleTimeoutS + profile.sweepIntervalS + 1);
      expect(gateway.closed).toHaveLength(1);
      const kill = gateway.closed[0] as { at: number; output: string };
      expect(kill.output).toBe(profile.idleTimeoutMessage);
      const age = elapsedS(kill.at, record.startDate);
      expect(age).toBeGreaterThanOrEqual(profile.idleTimeoutS);
      expect(age).toBeLessThan(profile.idleTimeoutS + profile.sweepIntervalS);
      expect(kill.at).toBeCloseTo(
        expectedKill(
          t0,
          model.sweepPhaseS,
          profile.sweepIntervalS,
          record.startDate + profile.idleTimeoutS * 1000,
        ),
        -1,
      );
      expect(agent.cancels).toEqual(['idle-timeout']);
      expect(record.status).toBe('Terminated');
      expect(record.endReason).toBe('idle-timeout');
      expect(clock.now()).toBeGreaterThan(kill.at);
    },
  );

  it('spreads kills over [idle, idle + sweep) across start times and phases', async () => {
    const profile = loadProfile('default');
    const ages: number[] = [];
    for (let seed = 1; seed <= 12; seed++) {
      const { gateway, open, advanceS } = setup(profile, { seed, timeScale: 0.01 });
      await advanceS(seed * 7.3);
      const { record } = open();
      await advanceS(1300);
      ages.push(((gateway.closed[0]?.at ?? Number.NaN) - record.startDate) / 1000);
    }
    for (const a of ages) {
      expect(a).toBeGreaterThanOrEqual(1200);
      expect(a).toBeLessThan(1260);
    }
    expect(new Set(ages.map((a) => Math.round(a))).size).toBeGreaterThan(3);
  });

  it('kills within [idle, idle + sweep) of the last input for any profile (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 3000 }),
        fc.integer({ min: 1, max: 120 }),
        fc.double({ min: 0, max: 500, noNaN: true }),
        fc.array(fc.integer({ min: 1, max: 400 }), { maxLength: 4 }),
        fc.integer({ min: 1, max: 1000 }),
        async (idleTimeoutS, sweepIntervalS, startAfterS, inputGapsS, seed) => {
          const profile = loadProfile({ idleTimeoutS, sweepIntervalS });
          const { gateway, model, open, advanceS } = setup(profile, { seed });
          await advanceS(startAfterS);
          const { record } = open();
          for (const gap of inputGapsS) {
            await advanceS(gap);
            if (gateway.closed.length > 0) break;
            model.onClientTraffic(record.sessionId, 'input');
          }
          await advanceS(idleTimeoutS + sweepIntervalS + 1);
          const kill = gateway.closed[0];
          expect(kill).toBeDefined();
          const ageS = ((kill?.at ?? 0) - record.lastActivityAt) / 1000;
          expect(ageS).toBeGreaterThanOrEqual(idleTimeoutS - 1e-6);
          expect(ageS).toBeLessThan(idleTimeoutS + sweepIntervalS + 1e-6);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('runs from the last client input, not from creation', async () => {
    const profile = loadProfile('default');
    const { gateway, model, open, advanceS } = setup(profile);
    const { record } = open();
    await advanceS(1000);
    model.onClientTraffic(record.sessionId, 'input');
    const inputAt = record.lastActivityAt;
    await advanceS(1000);
    expect(gateway.closed).toHaveLength(0);
    await advanceS(300);
    const age = ((gateway.closed[0]?.at ?? 0) - inputAt) / 1000;
    expect(age).toBeGreaterThanOrEqual(1200);
    expect(age).toBeLessThan(1260);
  });

  it('ignores traffic kinds not in idleResetBy, and honours them when listed', async () => {
    const base = loadProfile('default');
    const a = setup(base);
    const sa = a.open();
    await a.advanceS(1000);
    a.model.onClientTraffic(sa.record.sessionId, 'size');
    a.model.onClientTraffic(sa.record.sessionId, 'ack');
    await a.advanceS(261);
    expect(a.gateway.closed).toHaveLength(1);

    const b = setup(loadProfile({ idleResetBy: ['input', 'ack'] }));
    const sb = b.open();
    await b.advanceS(1000);
    b.model.onClientTraffic(sb.record.sessionId, 'ack');
    await b.advanceS(261);
    expect(b.gateway.closed).toHaveLength(0);
  });

  it('tracks attach/detach as Connected/Disconnected without touching the idle clock', async () => {
    const { model, open, advanceS, gateway } = setup(loadProfile('default'));
    const { record } = open();
    await advanceS(500);
    model.onClientDetached(record.sessionId);
    expect(record.status).toBe('Disconnected');
    model.onClientTraffic(record.sessionId, 'attach');
    expect(record.status).toBe('Connected');
    await advanceS(760);
    expect(gateway.closed).toHaveLength(1);
  });
});

describe('Session Manager preferences', () => {
  it('are stored but not applied to ECS Exec sessions by default', async () => {
    const { gateway, open, advanceS } = setup(loadProfile('default'), {
      prefs: { idleSessionTimeoutMin: 1, maxSessionDurationMin: 2 },
    });
    open({ maxSessionDuration: '2' });
    await advanceS(1199);
    expect(gateway.closed).toHaveLength(0);
    await advanceS(61);
    expect(gateway.closed).toHaveLength(1);
  });

  it('apply when the profile switches them on (idle)', async () => {
    const { gateway, open, advanceS } = setup(loadProfile({ applySessionPreferences: true }), {
      prefs: { idleSessionTimeoutMin: 5 },
    });
    const { record } = open();
    await advanceS(400);
    const age = ((gateway.closed[0]?.at ?? 0) - record.startDate) / 1000;
    expect(age).toBeGreaterThanOrEqual(300);
    expect(age).toBeLessThan(360);
  });

  it('apply when the profile switches them on (max duration, despite input)', async () => {
    const { gateway, model, open, advanceS } = setup(loadProfile({ applySessionPreferences: true }), {
      prefs: { maxSessionDurationMin: 10 },
    });
    const { record, agent } = open({ maxSessionDuration: '10' });
    for (let i = 0; i < 12; i++) {
      await advanceS(60);
      model.onClientTraffic(record.sessionId, 'input');
    }
    const age = ((gateway.closed[0]?.at ?? 0) - record.startDate) / 1000;
    expect(age).toBeGreaterThanOrEqual(600);
    expect(age).toBeLessThan(660);
    expect(agent.cancels).toEqual(['max-duration']);
  });
});

describe('sessions whose command ended', () => {
  it('stay Terminating in the history until the sweep expires them', async () => {
    const profile = loadProfile('default');
    const { model, open, advanceS, gateway } = setup(profile);
    const { record, agent } = open();
    await advanceS(5);
    agent.end({ kind: 'exited', exitStatus: 0, signal: null });
    await advanceS(1);
    expect(record.status).toBe('Terminating');
    expect(model.runningCount('t', 'app')).toBe(0);
    await advanceS(1000);
    expect(record.status).toBe('Terminating');
    await advanceS(260);
    expect(record.status).toBe('Terminated');
    expect(gateway.closed).toHaveLength(0); // nothing left to close, nothing killed
    expect(agent.cancels).toEqual([]);
  });

  it("turn Terminated at the next sweep with terminatingUntil 'next-sweep'", async () => {
    const profile = loadProfile({ terminatingUntil: 'next-sweep' });
    const { open, advanceS } = setup(profile);
    const { record, agent } = open();
    agent.end({ kind: 'exited', exitStatus: 0, signal: null });
    await advanceS(1);
    expect(record.status).toBe('Terminating');
    await advanceS(profile.sweepIntervalS);
    expect(record.status).toBe('Terminated');
  });
});

describe('TerminateSession', () => {
  it('closes the channel, cancels the command and ends the session at once', async () => {
    const { model, open, gateway } = setup(loadProfile('default'));
    const { record, agent } = open();
    await model.terminate(record.sessionId, 'terminated');
    expect(record.status).toBe('Terminated');
    expect(gateway.closed.map((c) => c.output)).toEqual(['']);
    expect(agent.cancels).toEqual(['terminated']);
  });
});

describe('profiles', () => {
  it('refuse bad values with EMULATOR_BAD_PROFILE', () => {
    for (const bad of [
      { idleTimeoutS: -1 },
      { sweepIntervalS: 0 },
      { sweepPhaseS: 60 },
      { idleResetBy: ['keystroke'] },
      { sessionWorkersLimit: 1.5 },
      { applySessionPreferences: 'yes' },
      { terminatingUntil: 'never' },
    ]) {
      expect(() => loadProfile(bad as never), JSON.stringify(bad)).toThrow(
        expect.objectContaining({ code: 'EMULATOR_BAD_PROFILE' }),
      );
    }
    expect(() => loadProfile('/nonexistent/profile.json')).toThrow(
      expect.objectContaining({ code: 'EMULATOR_BAD_PROFILE' }),
    );
  });

  it('ship default (1200/60) and short-window (300/30)', () => {
    expect(loadProfile('default')).toMatchObject({
      idleTimeoutS: 1200,
      sweepIntervalS: 60,
      sessionWorkersLimit: 2,
    });
    expect(loadProfile('short-window')).toMatchObject({ idleTimeoutS: 300, sweepIntervalS: 30 });
  });
});
