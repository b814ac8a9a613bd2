/**
 * The matrix against the emulator: the measured kill window follows the emulator's profile (two
 * profiles with different windows, run side by side), nohup survives with /nohup.out read back,
 * and the Session Manager preferences are restored after a preference phase.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matrixBench } from './matrix-helpers.js';

/** Logical seconds of slack for a loaded machine (10 ms real is one logical second at 0.01). */
const SLACK_S = 40;

const SHORT = `
name: short
variants:
  - {name: detached, kind: detached, durations: [150, 450]}
  - {name: nohup, kind: nohup, durations: [450]}
`;
const LONG = `
name: long
variants:
  - {name: detached, kind: detached, durations: [1350]}
  - {name: idle-1m, kind: session-preferences, preferences: {idleSessionTimeout: 1}, durations: [150]}
`;

describe('timeout matrix on the emulator', () => {
  let short: Awaited<ReturnType<typeof matrixBench>>;
  let long: Awaited<ReturnType<typeof matrixBench>>;
  beforeAll(async () => {
    [short, long] = await Promise.all([
      matrixBench('short-window', 0.01, 2),
      matrixBench('default', 0.01, 1),
    ]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([short?.close(), long?.close()]);
  });

  it("measures each profile's window, not a constant; nohup survives and /nohup.out is read back", async () => {
    const before = await long.clients.ssm
      .getDocument({ Name: 'SSM-SessionManagerRunShell' })
      .catch(() => undefined);
    const [s, l] = await Promise.all([short.run(SHORT), long.run(LONG)]);

    // short-window: idle 300 s, sweep 30 s → kills in [300, 330).
    const sKilled = s.report.cases.find((c) => c.caseId === 'detached-450');
    expect(sKilled?.outcome).toBe('killed');
    expect(sKilled?.killedAtS).toBeGreaterThanOrEqual(300);
    expect(sKilled?.killedAtS).toBeLessThan(330 + SLACK_S);
    expect(s.report.cases.find((c) => c.caseId === 'detached-150')?.outcome).toBe('completed');
    const nohup = s.report.cases.find((c) => c.caseId === 'nohup-450');
    expect(nohup?.outcome).toBe('survived');
    const lines = ((nohup?.details?.['nohupOut'] ?? []) as { file: string; line: string }[]).map(
      (x) => `${x.file} ${x.line}`,
    );
    expect(lines).toEqual([
      '/nohup.out ecs-diag itest/nohup-450 started',
      '/nohup.out ecs-diag itest/nohup-450 exit 0',
    ]);

    // default: idle 1200 s, sweep 60 s → kills in [1200, 1260).
    const lKilled = l.report.cases.find((c) => c.caseId === 'detached-1350');
    expect(lKilled?.outcome).toBe('killed');
    expect(lKilled?.killedAtS).toBeGreaterThanOrEqual(1200);
    expect(lKilled?.killedAtS).toBeLessThan(1260 + SLACK_S);
    // The kill is measured in the container, yet agrees with the service's own end of the session.
    expect(Math.abs((lKilled?.killedAtS ?? 0) - (lKilled?.sessionEndS ?? -1000))).toBeLessThan(SLACK_S);
    expect(l.report.killWindow.n).toBe(1);
    expect(s.report.killWindow.max).toBeLessThan(l.report.killWindow.min ?? 0);

    // Preferences are not applied to ECS Exec by the default profile: idle 1 min does not kill.
    expect(l.report.cases.find((c) => c.caseId === 'idle-1m-150')?.outcome).toBe('completed');
    // ...and the document is as it was (or, when the account had none, at AWS's defaults: the
    // tool cannot delete the document it had to create).
    const after = await long.clients.ssm.getDocument({ Name: 'SSM-SessionManagerRunShell' });
    if (before) {
      expect(after.Content).toBe(before.Content);
      expect(after.DocumentVersion).toBe(before.DocumentVersion);
    } else {
      const inputs = JSON.parse(after.Content ?? '{}').inputs;
      expect(inputs.idleSessionTimeout).toBe('20');
      expect(inputs.maxSessionDuration).toBe('');
    }
  }, 90_000);
});
