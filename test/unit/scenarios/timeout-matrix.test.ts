import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../../src/scenarios/matrix.js';
import { PreferenceController } from '../../../src/scenarios/preferences.js';
import type { RunTargetInfo } from '../../../src/scenarios/result.js';
import { RunStore } from '../../../src/scenarios/run-store.js';
import { runTimeoutMatrix } from '../../../src/scenarios/timeout-matrix.js';
import { testDeps } from '../../helpers/manual-clock.js';
import { FakeExecutor, FakePreferencesSsm, RecordingExec } from './matrix-fakes.js';

const SCENARIO = parseScenario(
  [
    'name: t',
    'variants:',
    '  - {name: detached, kind: detached, durations: [100, 500, 900]}',
    '  - {name: nohup, kind: nohup, durations: [900]}',
    '  - {name: idle-1m, kind: session-preferences, preferences: {idleSessionTimeout: 1}, durations: [700]}',
    '  - {name: max-10m, kind: session-preferences, preferences: {maxSessionDuration: 10}, durations: [700]}',
  ].join('\n'),
  't.yaml',
);
const ORIGINAL = JSON.stringify({
  schemaVersion: '1.0',
  inputs: { idleSessionTimeout: '20', maxSessionDuration: '' },
});
const TARGET: RunTargetInfo = {
  kind: 'local',
  figureKind: 'emulator-model',
  cluster: 'c',
  tasks: ['t1', 't2'],
};
const TASKS = [
  { task: 't1', container: 'app', sessionLimit: 2 },
  { task: 't2', container: 'app', sessionLimit: 3 },
];

function setup(windowS = 300) {
  const dir = mkdtempSync(join(tmpdir(), 'ecs-diag-run-'));
  const ssm = new FakePreferencesSsm(ORIGINAL);
  const executor = new FakeExecutor(windowS, () => ssm.current);
  const exec = new RecordingExec();
  const store = new RunStore(dir);
  const deps = testDeps();
  const ac = new AbortController();
  const run = (previous = [] as Awaited<ReturnType<RunStore['readResults']>>) =>
    runTimeoutMatrix({
      runId: 'run1',
      scenario: SCENARIO,
      cluster: 'c',
      tasks: TASKS,
      timeScale: 0.01,
      executor,
      exec,
      preferences: new PreferenceController(ssm.api(), 'run1'),
      store,
      target: TARGET,
      deps,
      signal: ac.signal,
      previous,
    });
  return { dir, ssm, executor, exec, store, ac, run };
}

describe('runTimeoutMatrix', () => {
  it('runs every case, writes results.jsonl and a report whose kill window follows the model', async () => {
    const t = setup(300);
    const { report, interrupted } = await t.run();
    expect(interrupted).toBe(false);
    expect(report.partial).toBe(false);
    expect(report.cases).toHaveLength(6);
    // Killed: detached 500, 900, and both preference cases (700): all at the model's 300 s.
    expect(report.killWindow).toEqual({ n: 4, min: 300, median: 300, max: 300 });
    const lines = readFileSync(join(t.dir, 'results.jsonl'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(6);
    const json = JSON.parse(readFileSync(join(t.dir, 'report.json'), 'utf8'));
    expect(json.schemaVersion).toBe(1);
    expect(json.killWindow.n).toBe(4);
    expect(readFileSync(join(t.dir, 'report.md'), 'utf8')).toContain('| detached | 900 | killed at 300 s |');
    const nohup = report.variants.find((v) => v.variant === 'nohup');
    expect(nohup?.cells[0]?.outcomes).toEqual({ survived: 1 });
    // Every case ended cleanly: no cleanup session was needed.
    expect(t.exec.scripts).toEqual([]);
  });

  it('follows a different model: the kill window moves with it', async () => {
    const { report } = await setup(1200).run();
    expect(report.killWindow).toEqual({ n: 0, min: null, median: null, max: null });
  });

  it('changes the preferences only for their own phase and restores them', async () => {
    const t = setup();
    await t.run();
    const prefsAt = new Map(t.executor.seen.map((s) => [s.caseId, JSON.parse(s.preferences ?? '{}').inputs]));
    expect(prefsAt.get('detached-900')).toEqual({ idleSessionTimeout: '20', maxSessionDuration: '' });
    expect(prefsAt.get('idle-1m-700').idleSessionTimeout).toBe('1');
    expect(prefsAt.get('max-10m-700').maxSessionDuration).toBe('10');
    expect(prefsAt.get('max-10m-700').idleSessionTimeout).toBe('20');
    expect(t.ssm.current).toBe(ORIGINAL);
    expect(JSON.parse(readFileSync(join(t.dir, 'preferences-backup.json'), 'utf8')).content).toBe(ORIGINAL);
  });

  it('restores the preferences when a preference case fails, and records its error code', async () => {
    const t = setup();
    t.executor.fail.add('idle-1m-700');
    const { report } = await t.run();
    expect(t.ssm.current).toBe(ORIGINAL);
    const failed = report.cases.find((c) => c.caseId === 'idle-1m-700');
    expect(failed?.outcome).toBe('error');
    expect(failed?.error?.code).toBe('AWS_TARGET_NOT_CONNECTED');
    expect(report.cases).toHaveLength(6);
  });

  it('on Ctrl-C: no new case, running ones interrupted, preferences restored, partial report; resume finishes', async () => {
    const t = setup();
    t.executor.holdUntilAbort.add('idle-1m-700');
    // Ctrl-C once the preference phase has started.
    const watcher = setInterval(() => {
      if (t.executor.seen.some((s) => s.caseId === 'idle-1m-700')) {
        t.ac.abort();
        clearInterval(watcher);
      }
    }, 1);
    const { report, interrupted } = await t.run();
    expect(interrupted).toBe(true);
    expect(report.partial).toBe(true);
    expect(t.ssm.current).toBe(ORIGINAL);
    expect(report.cases.find((c) => c.caseId === 'idle-1m-700')?.outcome).toBe('interrupted');
    expect(t.executor.seen.some((s) => s.caseId === 'max-10m-700')).toBe(false);
    expect(JSON.parse(readFileSync(join(t.dir, 'report.json'), 'utf8')).partial).toBe(true);
    // After Ctrl-C the run's leftovers are killed in every task.
    expect(new Set(t.exec.scripts.map((s) => s.task))).toEqual(new Set(['t1', 't2']));
    expect(t.exec.scripts[0]?.script).toContain('/tmp/ecs-diag/runs/run1');

    // --resume: only the interrupted and never-run cases run again.
    const previous = await t.store.readResults();
    const again = setup();
    const resumed = await runTimeoutMatrix({
      runId: 'run1',
      scenario: SCENARIO,
      cluster: 'c',
      tasks: TASKS,
      timeScale: 0.01,
      executor: again.executor,
      exec: again.exec,
      preferences: new PreferenceController(again.ssm.api(), 'run1'),
      store: t.store,
      target: TARGET,
      deps: testDeps(),
      signal: new AbortController().signal,
      previous,
    });
    expect(again.executor.seen.map((s) => s.caseId).sort()).toEqual(['idle-1m-700', 'max-10m-700']);
    expect(resumed.report.partial).toBe(false);
    expect(resumed.report.cases).toHaveLength(6);
    expect((await t.store.readResults()).filter((r) => r.outcome === 'interrupted')).toEqual([]);
  });

  it('ignores a torn last line of results.jsonl (a SIGKILL mid-write)', async () => {
    const t = setup();
    await t.run();
    const { appendFileSync } = await import('node:fs');
    appendFileSync(join(t.dir, 'results.jsonl'), '{"schemaVersion":1,"caseId":"det');
    expect(await t.store.readResults()).toHaveLength(6);
  });
});
