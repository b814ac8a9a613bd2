import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { systemDeps } from '../../../src/deps.js';
import { formatJobHandle, parseJobHandle } from '../../../src/scenarios/jobs/job-handle.js';
import {
  followJobLogs,
  jobStatus,
  killJob,
  listJobs,
  startJob,
  waitJob,
} from '../../../src/scenarios/jobs/jobs.js';
import { hostShell } from '../../helpers/host-shell.js';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('job handle', () => {
  it('round-trips', () => {
    const h = { cluster: 'default', task: '0123abcd', container: 'app', jobId: 'j20261129t174501-3f9a1c' };
    expect(parseJobHandle(formatJobHandle(h))).toEqual(h);
  });
  it('refuses what is not a handle', () => {
    for (const bad of ['', 'j1', 'ecsjob://a/b/c', 'ecsjob://a/b/c/../x', 'ecsjob://a/b/c/J']) {
      expect(() => parseJobHandle(bad)).toThrow(expect.objectContaining({ code: 'JOB_BAD_HANDLE' }));
    }
  });
});

describe.each(['sh', 'busybox'] as const)('jobs on a real %s', (kind) => {
  const ctx = () => ({
    shell: hostShell(kind),
    deps: systemDeps(),
    jobsDir: mkdtempSync(join(tmpdir(), 'ecs-diag-jobs-')),
  });

  it('a detached job returns at once, runs on, and wait gives its own exit status', async () => {
    const c = ctx();
    const started = Date.now();
    const { jobId } = await startJob(c, 'sleep 4; echo done; exit 7');
    expect(Date.now() - started).toBeLessThan(4000);
    expect((await jobStatus(c, jobId)).state.kind).toBe('running');
    const res = await waitJob(c, jobId, { pollMs: 200 });
    expect(res).toMatchObject({ kind: 'ended', state: { kind: 'exited', exitStatus: 7 } });
  });

  it('job kill reports gone/killed with the signal', async () => {
    const c = ctx();
    const { jobId } = await startJob(c, 'sleep 30');
    expect(await killJob(c, jobId, 'TERM')).toBe(true);
    const res = await waitJob(c, jobId, { pollMs: 100, timeoutMs: 5000 });
    expect(res).toMatchObject({ kind: 'ended', state: { kind: 'gone', reason: 'killed', signal: 'TERM' } });
  });

  it('wait times out on a job that keeps running', async () => {
    const c = ctx();
    const { jobId } = await startJob(c, 'sleep 5');
    expect(await waitJob(c, jobId, { pollMs: 100, timeoutMs: 300 })).toEqual({ kind: 'timed-out' });
    await killJob(c, jobId, 'KILL');
  });

  it('two jobs keep their output apart and logs --follow delivers every byte once', async () => {
    const c = ctx();
    const a = await startJob(
      c,
      'i=0; while [ $i -lt 300 ]; do echo "A line $i"; i=$((i+1)); done; sleep 0.5; echo A-end',
    );
    const b = await startJob(c, 'echo B only; echo B-err >&2');
    const got: Uint8Array[] = [];
    const end = await followJobLogs(c, a.jobId, {
      stream: 'stdout',
      follow: true,
      pollMs: 100,
      onData: (x) => void got.push(x),
    });
    expect(end.kind).toBe('exited');
    let expected = '';
    for (let i = 0; i < 300; i++) expected += `A line ${i}\n`;
    expected += 'A-end\n';
    expect(sha(Buffer.concat(got))).toBe(sha(Buffer.from(expected)));
    await waitJob(c, b.jobId, { pollMs: 100 });
    const out: Uint8Array[] = [];
    const err: Uint8Array[] = [];
    await followJobLogs(c, b.jobId, { stream: 'stdout', follow: false, onData: (x) => void out.push(x) });
    await followJobLogs(c, b.jobId, { stream: 'stderr', follow: false, onData: (x) => void err.push(x) });
    expect(Buffer.concat(out).toString()).toBe('B only\n');
    expect(Buffer.concat(err).toString()).toBe('B-err\n');
    const list = await listJobs(c);
    expect(list.map((j) => j.jobId).sort()).toEqual([a.jobId, b.jobId].sort());
  });

  it('an unknown job is JOB_NOT_FOUND', async () => {
    await expect(jobStatus(ctx(), 'j00000000t000000-000000')).rejects.toMatchObject({
      code: 'JOB_NOT_FOUND',
    });
  });

  it('refuses clearly when no writable path exists', async () => {
    const c = { ...ctx(), jobsDir: '/proc/ecs-diag-cannot-write' };
    await expect(startJob(c, 'true')).rejects.toMatchObject({ code: 'JOB_NO_WRITABLE_PATH' });
  });
});

describe('job command strings arrive unchanged', () => {
  it('any command text is stored and run byte-exact (property)', async () => {
    const c = {
      shell: hostShell('sh'),
      deps: systemDeps(),
      jobsDir: mkdtempSync(join(tmpdir(), 'ecs-diag-jobq-')),
    };
    await fc.assert(
      fc.asyncProperty(
        fc
          .string({ unit: 'grapheme', minLength: 1, maxLength: 40 })
          .filter((s) => !s.includes('\0') && !s.includes('ECSDIAG_Q')),
        async (s) => {
          const { jobId } = await startJob(c, `printf '%s' "$(cat <<'ECSDIAG_Q'\n${s}\nECSDIAG_Q\n)"`);
          await waitJob(c, jobId, { pollMs: 50 });
          const out: Uint8Array[] = [];
          await followJobLogs(c, jobId, { stream: 'stdout', follow: false, onData: (x) => void out.push(x) });
          // $(...) strips trailing newlines, as the shell does
          expect(Buffer.concat(out).toString()).toBe(s.replace(/\n+$/, ''));
        },
      ),
      { numRuns: 8 },
    );
  });
});
