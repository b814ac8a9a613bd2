/**
 * `ecs-diag doctor` through the CLI's composition root against a running emulator
 * (--endpoint-url): exit codes, the --json schema, the table.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { type DoctorHarness, startDoctorHarness } from './doctor-harness.js';

let h: DoctorHarness;
beforeAll(async () => {
  h = await startDoctorHarness();
});
afterAll(async () => h?.close());
afterEach(() => {
  h.knobs.iam.denials.splice(1);
});

async function cli(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main([...args, '--endpoint-url', h.emulator.endpoint], {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env: {},
  });
  return { code, stdout, stderr };
}

describe('ecs-diag doctor', () => {
  it('exits 0 and prints the versioned JSON report when nothing is red', async () => {
    const r = await cli('doctor', '--task', h.task.taskId, '--json', '--no-plugin-check');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ schemaVersion: 1, kind: 'ecs-diag.doctor', region: 'us-east-1' });
    expect(report.summary.red).toBe(0);
    const attempt = report.targets[0].checks.find((c: { id: string }) => c.id === 'exec.attempt');
    expect(attempt.status).toBe('green');
  });

  it('exits 1 when a check is red, and the table names it', async () => {
    h.knobs.iam.denials.push({ principal: '*', action: 'ecs:ExecuteCommand', effect: 'explicit' });
    const r = await cli('doctor', '--task', h.task.taskId, '--no-exec', '--no-plugin-check');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAIL\s+caller\.execute-command/);
    expect(r.stdout).toMatch(/UNKNOWN\s+exec\.attempt\s+\[app\] skipped/);
  });

  it('--all-tasks checks every task of the cluster', async () => {
    const r = await cli('doctor', '--all-tasks', '--no-exec', '--json', '--no-plugin-check');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.targets.length).toBe(
      h.emulator.state.tasks.filter((t) => t.clusterName === 'default').length,
    );
  });

  it('exits 2 for a selection that is not exactly one of --task/--service/--all-tasks', async () => {
    expect((await cli('doctor')).code).toBe(2);
    expect((await cli('doctor', '--task', h.task.taskId, '--all-tasks')).code).toBe(2);
  });

  it('exits 2 for a task or cluster that does not exist', async () => {
    const missingTask = await cli('doctor', '--task', 'f'.repeat(32), '--no-exec');
    expect(missingTask.code).toBe(2);
    expect(missingTask.stderr).toContain('AWS_TASK_NOT_FOUND');
    const missingCluster = await cli('doctor', '--cluster', 'nope', '--task', h.task.taskId, '--no-exec');
    expect(missingCluster.code).toBe(2);
    expect(missingCluster.stderr).toContain('AWS_CLUSTER_NOT_FOUND');
  });
});
