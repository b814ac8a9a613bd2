/**
 * Ctrl-C in the middle of a preference phase on the emulator: the running case ends as
 * `interrupted`, its payload is killed in the container, the preferences are restored, the report
 * is partial; `--resume` (previous results) then finishes the run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMarkers, readbackScript } from '../../src/scenarios/instrumentation.js';
import { matrixBench } from './matrix-helpers.js';

const YAML = `
name: interrupt
variants:
  - {name: detached, kind: detached, durations: [100]}
  - {name: idle-5m, kind: session-preferences, preferences: {idleSessionTimeout: 5}, durations: [600]}
`;

describe('interrupt and resume on the emulator', () => {
  let b: Awaited<ReturnType<typeof matrixBench>>;
  beforeAll(async () => {
    b = await matrixBench('default', 0.01);
  }, 60_000);
  afterAll(async () => {
    await b?.close();
  });

  it('restores preferences, kills leftovers, writes a partial report, and resumes', async () => {
    const before = await b.clients.ssm
      .getDocument({ Name: 'SSM-SessionManagerRunShell' })
      .catch(() => undefined);
    const ac = new AbortController();
    const running = b.run(YAML, { signal: ac.signal });
    // Wait until the preference case runs, then Ctrl-C.
    for (let i = 0; i < 300; i++) {
      const doc = await b.clients.ssm
        .getDocument({ Name: 'SSM-SessionManagerRunShell' })
        .catch(() => undefined);
      if (/"idleSessionTimeout"\s*:\s*"5"/.test(doc?.Content ?? '')) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, 500));
    ac.abort();
    const first = await running;
    expect(first.interrupted).toBe(true);
    expect(first.report.partial).toBe(true);
    expect(first.report.cases.find((c) => c.caseId === 'detached-100')?.outcome).toBe('completed');
    const interrupted = first.report.cases.find((c) => c.caseId === 'idle-5m-600');
    expect(interrupted?.outcome).toBe('interrupted');

    const after = await b.clients.ssm.getDocument({ Name: 'SSM-SessionManagerRunShell' });
    const inputs = JSON.parse(after.Content ?? '{}').inputs;
    if (before) expect(after.DocumentVersion).toBe(before.DocumentVersion);
    else expect(inputs.idleSessionTimeout).toBe('20');

    // Nothing of the run is left in the container.
    const task = interrupted?.task as string;
    const left = await b.exec.exec(
      { cluster: 'default', task, container: 'app' },
      readbackScript('itest', 'idle-5m-600'),
    );
    expect(parseMarkers(left.stdout).missing).toBe(true);

    // Resume: only the interrupted case runs again.
    const previous = await b.store.readResults();
    const second = await b.run(YAML, { previous });
    expect(second.interrupted).toBe(false);
    expect(second.report.partial).toBe(false);
    expect(second.plan.cases.map((c) => c.spec.caseId)).toEqual(['idle-5m-600']);
    expect(second.report.cases.map((c) => c.outcome).sort()).toEqual(['completed', 'completed']);
  }, 90_000);
});
