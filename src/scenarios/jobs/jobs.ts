/**
 * Long jobs that survive ECS Exec: start detached, then status / logs / wait / kill / list,
 * each step one short session well under the idle timeout.
 */
import { type Deps, sleep } from '../../deps.js';
import { DiagError, isDiagError } from '../../errors.js';
import { type ContainerTools, parseProbe, probeScript } from '../collect/artifacts.js';
import type { RemoteShell } from '../collect/remote-shell.js';
import { pickEncoding, readRange, type TransferEncoding } from '../collect/transfer.js';
import { type JobHandle, newJobId } from './job-handle.js';
import { killScript, listScript, NO_WRITABLE_PATH_STATUS, startScript, statusScript } from './job-scripts.js';
import { type JobSizes, type JobState, parseJobState, splitJobList } from './job-state.js';

/** Default directory of job directories in the container. */
export const DEFAULT_JOBS_DIR = '/tmp/ecs-diag/jobs';

/** What every job operation needs. */
export interface JobContext {
  readonly shell: RemoteShell;
  readonly deps: Deps;
  /** @default DEFAULT_JOBS_DIR */
  readonly jobsDir?: string;
  readonly signal?: AbortSignal;
}

const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');

/** Starts `command` detached; returns its id and runner pid. */
export async function startJob(
  ctx: JobContext,
  command: string,
): Promise<{ jobId: string; pid: number | undefined }> {
  const jobId = newJobId(ctx.deps.clock.now(), ctx.deps.ids.uuid());
  const dir = ctx.jobsDir ?? DEFAULT_JOBS_DIR;
  const res = await ctx.shell.run(startScript(dir, jobId, command), { signal: ctx.signal });
  const out = text(res.stdout);
  if (res.exitCode === NO_WRITABLE_PATH_STATUS || out.includes('ECSDIAG_NO_WRITABLE_PATH')) {
    throw new DiagError(
      'JOB_NO_WRITABLE_PATH',
      `cannot create a job directory under ${dir} in the container`,
      {
        source: 'user',
        hint: 'pass --jobs-dir with a writable path (e.g. a mounted volume)',
      },
    );
  }
  const m = /ECSDIAG_JOB_STARTED\s*(\d*)/.exec(out);
  if (!m || res.exitCode !== 0) {
    throw new DiagError(
      'SESSION_NO_RESULT',
      `the job did not start (exit ${res.exitCode}): ${out.trim().slice(0, 200)}`,
    );
  }
  return { jobId, pid: m[1] ? Number(m[1]) : undefined };
}

/** The job's state and output sizes. A stopped task makes the job `gone` (task-stopped). */
export async function jobStatus(
  ctx: JobContext,
  jobId: string,
): Promise<{ state: JobState; sizes: JobSizes }> {
  try {
    const res = await ctx.shell.run(statusScript(ctx.jobsDir ?? DEFAULT_JOBS_DIR, jobId), {
      signal: ctx.signal,
    });
    const parsed = parseJobState(text(res.stdout));
    if (parsed.state.kind === 'unknown-job') {
      throw new DiagError('JOB_NOT_FOUND', `no job ${jobId} in the container`, {
        source: 'user',
        hint: 'list jobs with `ecs-diag job list --cluster C --task T`',
      });
    }
    return parsed;
  } catch (err) {
    if (isDiagError(err) && isTaskGone(err.code)) {
      return { state: { kind: 'gone', reason: 'task-stopped' }, sizes: { stdout: 0, stderr: 0 } };
    }
    throw err;
  }
}

/**
 * Errors that, for a job that was started (so exec worked then), mean the task or its agent is gone:
 * a stopped task answers "execute command was not enabled … or the agent isn't running".
 */
function isTaskGone(code: string): boolean {
  return (
    code === 'AWS_TASK_NOT_FOUND' ||
    code === 'AWS_TARGET_NOT_CONNECTED' ||
    code === 'AWS_CLUSTER_NOT_FOUND' ||
    code === 'AWS_EXEC_NOT_ENABLED'
  );
}

/** Sends a signal to the job's process group. Returns false when it was not running. */
export async function killJob(ctx: JobContext, jobId: string, signal = 'TERM'): Promise<boolean> {
  if (!/^[A-Z0-9]{1,8}$/.test(signal)) {
    throw new DiagError(
      'CLI_BAD_ARGUMENT',
      `--signal must be a signal name or number like TERM, KILL, 9, not ${signal}`,
    );
  }
  const res = await ctx.shell.run(killScript(ctx.jobsDir ?? DEFAULT_JOBS_DIR, jobId, signal), {
    signal: ctx.signal,
  });
  const out = text(res.stdout);
  if (out.includes('NOJOB'))
    throw new DiagError('JOB_NOT_FOUND', `no job ${jobId} in the container`, { source: 'user' });
  return out.includes('SIGNALLED');
}

/** Every job in the container's jobs directory. */
export async function listJobs(
  ctx: JobContext,
): Promise<Array<{ jobId: string; state: JobState; command: string }>> {
  const res = await ctx.shell.run(listScript(ctx.jobsDir ?? DEFAULT_JOBS_DIR), { signal: ctx.signal });
  return splitJobList(text(res.stdout)).map((j) => ({
    jobId: j.jobId,
    state: parseJobState(j.text).state,
    command: j.command,
  }));
}

/** Options of {@link followJobLogs}. */
export interface FollowOptions {
  readonly stream: 'stdout' | 'stderr';
  /** Keep polling until the job ends. */
  readonly follow: boolean;
  /** Start offset. @default 0 */
  readonly offset?: number;
  /** Poll period (real ms). @default 2000 */
  readonly pollMs?: number;
  /** Receives every byte exactly once, in order. */
  readonly onData: (bytes: Uint8Array) => void | Promise<void>;
}

/** Streams a job's output from an offset; with `follow`, until the job has ended and all is read. */
export async function followJobLogs(
  ctx: JobContext,
  jobId: string,
  options: FollowOptions,
): Promise<JobState> {
  const path = `${ctx.jobsDir ?? DEFAULT_JOBS_DIR}/${jobId}/${options.stream}`;
  let offset = options.offset ?? 0;
  let encoding: TransferEncoding | undefined;
  for (;;) {
    const { state, sizes } = await jobStatus(ctx, jobId);
    const size = sizes[options.stream];
    if (size > offset) {
      encoding ??= pickEncoding(await probeTools(ctx));
      const bytes = await readRange(ctx.shell, path, offset, size - offset, { encoding, signal: ctx.signal });
      offset += bytes.length;
      if (bytes.length > 0) await options.onData(bytes);
    }
    const ended = state.kind !== 'running';
    if (!options.follow || (ended && size <= offset)) return state;
    if (!ended) await sleep(ctx.deps.clock, options.pollMs ?? 2000, ctx.signal);
  }
}

async function probeTools(ctx: JobContext): Promise<ContainerTools> {
  const res = await ctx.shell.run(probeScript({ paths: [] }), { signal: ctx.signal });
  return parseProbe(text(res.stdout)).tools;
}

/** How waiting ended. */
export type WaitResult =
  | { readonly kind: 'ended'; readonly state: JobState }
  | { readonly kind: 'timed-out' };

/** Polls until the job is no longer running, or `timeoutMs` (real) passes. */
export async function waitJob(
  ctx: JobContext,
  jobId: string,
  options: { readonly timeoutMs?: number; readonly pollMs?: number } = {},
): Promise<WaitResult> {
  const deadline =
    options.timeoutMs === undefined ? Number.POSITIVE_INFINITY : ctx.deps.clock.now() + options.timeoutMs;
  for (;;) {
    const { state } = await jobStatus(ctx, jobId);
    if (state.kind !== 'running') return { kind: 'ended', state };
    const left = deadline - ctx.deps.clock.now();
    if (left <= 0) return { kind: 'timed-out' };
    await sleep(ctx.deps.clock, Math.min(options.pollMs ?? 2000, left), ctx.signal);
  }
}

/** The handle fields of a job, for printing. */
export type { JobHandle };
