import { describe, expect, it } from 'vitest';
import { parseDoctorOptions } from '../../../src/cli/commands/doctor.js';
import { renderDoctorReport } from '../../../src/scenarios/doctor/render.js';
import { runDoctor } from '../../../src/scenarios/doctor/run-doctor.js';
import { CALLER_ARN, CLUSTER, fakeEnv, healthyWorld, TASK_ID } from './fake-aws.js';

describe('parseDoctorOptions', () => {
  it('takes repeated and comma-separated tasks, defaults the cluster', () => {
    const o = parseDoctorOptions({ task: ['a,b', 'c'] });
    expect(o.selection).toEqual({ kind: 'tasks', cluster: 'default', tasks: ['a', 'b', 'c'] });
    expect(o).toMatchObject({
      concurrency: 4,
      exec: true,
      execTimeoutMs: 30_000,
      sessionLimit: 2,
      pluginCheck: true,
    });
  });

  it('maps --service, --all-tasks, --no-exec and the numbers', () => {
    expect(parseDoctorOptions({ service: 'web', cluster: 'prod' }).selection).toEqual({
      kind: 'service',
      cluster: 'prod',
      service: 'web',
    });
    const o = parseDoctorOptions({
      'all-tasks': true,
      exec: false,
      concurrency: 8,
      'exec-timeout': 5,
      'session-limit': 3,
    });
    expect(o).toMatchObject({ exec: false, concurrency: 8, execTimeoutMs: 5000, sessionLimit: 3 });
    expect(o.selection.kind).toBe('all-tasks');
  });

  it.each([
    [{}],
    [{ task: ['a'], service: 'web' }],
    [{ 'all-tasks': true, service: 'web' }],
    [{ 'all-tasks': true, concurrency: 0 }],
    [{ 'all-tasks': true, concurrency: 1.5 }],
    [{ 'all-tasks': true, 'exec-timeout': 'x' }],
  ])('rejects %j with CLI_BAD_ARGUMENT', (argv) => {
    expect(() => parseDoctorOptions(argv)).toThrow(expect.objectContaining({ code: 'CLI_BAD_ARGUMENT' }));
  });
});

describe('renderDoctorReport', () => {
  it('prints one line per check, the causes of red lines and a summary', async () => {
    const w = healthyWorld();
    w.denied.add(`${CALLER_ARN} ecs:ExecuteCommand`);
    const report = await runDoctor(fakeEnv(w), {
      selection: { kind: 'tasks', cluster: CLUSTER, tasks: [TASK_ID] },
    });
    const text = renderDoctorReport(report, { paint: (_sgr, t) => t });
    const lines = text.split('\n');
    expect(lines.filter((l) => /^\s+(OK|WARN|FAIL|UNKNOWN)\s/.test(l)).length).toBe(
      report.checks.length + (report.targets[0]?.checks.length ?? 0),
    );
    const fail = lines.findIndex((l) => /FAIL\s+caller\.execute-command/.test(l));
    expect(fail).toBeGreaterThan(0);
    expect(lines[fail + 1]).toMatch(/^\s+- no identity policy allows ecs:ExecuteCommand/);
    expect(lines.at(-1)).toMatch(/^1 task\(s\): \d+ ok, 0 warn, 1 fail, 0 unknown/);
  });
});
