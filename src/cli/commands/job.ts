/**
 * `ecs-diag job status|logs|wait|kill|list`: follow a job started with `ecs-diag exec --detach`,
 * from any terminal or machine: the job handle carries cluster, task, container and job id.
 */
import { DiagError } from '../../errors.js';
import { EXIT } from '../../exit-codes.js';
import { execRemoteShell } from '../../scenarios/collect/remote-shell.js';
import { formatJobHandle, type JobHandle, parseJobHandle } from '../../scenarios/jobs/job-handle.js';
import type { JobState } from '../../scenarios/jobs/job-state.js';
import {
  DEFAULT_JOBS_DIR,
  followJobLogs,
  type JobContext,
  jobStatus,
  killJob,
  listJobs,
  startJob,
  waitJob,
} from '../../scenarios/jobs/jobs.js';
import { resolveOneTask } from '../../scenarios/targets.js';
import type { CliContext } from '../command.js';
import { defineCommand } from '../command.js';
import { optionalString, parseTaskTarget, positiveNumber, withTaskTarget } from '../options.js';
import { connectTarget } from '../target.js';

const ACTIONS = ['status', 'logs', 'wait', 'kill', 'list'] as const;
type Action = (typeof ACTIONS)[number];

/** Opens the target and a job context for a container. */
async function jobContext(
  ctx: CliContext,
  where: { cluster: string; task: string | undefined; container: string | undefined },
  jobsDir: string,
): Promise<{ job: JobContext; ref: { cluster: string; task: string; container: string } }> {
  const conn = await connectTarget(ctx.global, { deps: ctx.deps });
  ctx.onCleanup(() => conn.close());
  const task = await resolveOneTask(conn.clients.ecs, where);
  const ref = {
    cluster: task.cluster,
    task: task.task.split('/').pop() ?? task.task,
    container: task.container,
  };
  const shell = execRemoteShell(
    conn.clients,
    { cluster: ref.cluster, task: ref.task, container: ref.container },
    { deps: ctx.deps },
  );
  return { job: { shell, deps: ctx.deps, jobsDir, signal: ctx.signal }, ref };
}

/** Starts a detached job (`exec --detach`); prints its handle; returns at once. */
export async function runDetached(
  ctx: CliContext,
  where: { cluster: string; task: string | undefined; container: string | undefined },
  command: string,
  jobsDir = DEFAULT_JOBS_DIR,
): Promise<number> {
  const { job, ref } = await jobContext(ctx, where, jobsDir);
  const { jobId, pid } = await startJob(job, command);
  const handle = formatJobHandle({ ...ref, jobId });
  if (ctx.global.json) ctx.io.json({ handle, jobId, ...ref, pid: pid ?? null, jobsDir });
  else {
    ctx.io.result(handle);
    ctx.io.info(
      `started job ${jobId} (pid ${pid ?? '?'}) in ${jobsDir}/${jobId}; follow it with: ecs-diag job logs --follow ${handle}`,
    );
  }
  return EXIT.OK;
}

/** Describes a state for humans, with start/end/duration. */
export function describeJobState(state: JobState): string {
  const t = (s?: number) => (s === undefined ? '?' : new Date(s * 1000).toISOString());
  switch (state.kind) {
    case 'running':
      return `running (pid ${state.pid}) since ${t(state.start)}${state.now && state.start ? `, ${state.now - state.start} s` : ''}`;
    case 'exited':
      return `exited with status ${state.exitStatus} at ${t(state.end)}${state.start !== undefined ? ` after ${state.end - state.start} s` : ''}`;
    case 'gone':
      return state.reason === 'killed'
        ? `gone: killed by job kill (SIG${state.signal}) at ${t(state.end)}`
        : state.reason === 'task-stopped'
          ? 'gone: the task is stopped or unreachable'
          : `gone without an exit status (killed, or the container restarted); started ${t(state.start)}`;
    case 'unknown-job':
      return 'no such job';
  }
}

/** Exit code for a finished state: the job's own status, or JOB_GONE. */
function exitFor(state: JobState): number {
  return state.kind === 'exited' ? state.exitStatus : state.kind === 'running' ? EXIT.OK : EXIT.JOB_GONE;
}

/** `ecs-diag job …`. */
export const jobCommand = defineCommand<Record<string, unknown>>({
  command: 'job <action> [job]',
  describe: 'Follow a job started with `exec --detach`: status, logs, wait, kill, list',
  builder: (y) =>
    withTaskTarget(y)
      .positional('action', { choices: ACTIONS, describe: 'what to do' })
      .positional('job', {
        type: 'string',
        describe: 'the job handle exec --detach printed (ecsjob://…), or a job id with --task',
      })
      .option('follow', {
        alias: 'f',
        type: 'boolean',
        default: false,
        describe: 'logs: keep streaming until the job ends',
      })
      .option('stderr', {
        type: 'boolean',
        default: false,
        describe: 'logs: the job’s stderr instead of stdout',
      })
      .option('offset', { type: 'number', default: 0, describe: 'logs: start at this byte offset' })
      .option('timeout', { type: 'number', describe: 'wait: give up after this many seconds (exit 124)' })
      .option('poll', {
        type: 'number',
        default: 2,
        describe: 'seconds between polls (each poll is one short session)',
      })
      .option('signal', {
        type: 'string',
        default: 'TERM',
        describe: 'kill: the signal to send to the job’s process group',
      })
      .option('jobs-dir', {
        type: 'string',
        default: DEFAULT_JOBS_DIR,
        describe: 'job directory root in the container',
      })
      .example(
        '$0 job status ecsjob://default/0123abcd/app/j20261129t174501-3f9a1c',
        'running / exited N / gone',
      )
      .example('$0 job logs --follow ecsjob://…', 'stream stdout until the job ends, every byte once')
      .example(
        '$0 job wait --timeout 7200 ecsjob://…',
        'exit with the job’s own status (254 gone, 124 timed out)',
      )
      .example('$0 job kill --signal INT ecsjob://…', 'signal the job’s process group')
      .example('$0 job list --cluster default', 'every job in the task'),
  async run(argv, ctx) {
    const action = argv['action'] as Action;
    if (!ACTIONS.includes(action))
      throw new DiagError('CLI_BAD_ARGUMENT', `unknown job action ${String(action)}`);
    const jobsDir = optionalString(argv['jobs-dir']) ?? DEFAULT_JOBS_DIR;
    const pollMs = positiveNumber(argv['poll'] ?? 2, '--poll') * 1000;
    const jobArg = optionalString(argv['job']);
    let handle: JobHandle | undefined;
    let where = parseTaskTarget(argv);
    if (action !== 'list') {
      if (!jobArg)
        throw new DiagError(
          'CLI_BAD_ARGUMENT',
          `job ${action} needs a job handle (as exec --detach printed it)`,
        );
      if (jobArg.startsWith('ecsjob://')) {
        handle = parseJobHandle(jobArg);
        where = { cluster: handle.cluster, task: handle.task, container: handle.container };
      } else {
        if (!where.task)
          throw new DiagError(
            'JOB_BAD_HANDLE',
            'a bare job id needs --task (or pass the full ecsjob:// handle)',
          );
        handle = parseJobHandle(
          `ecsjob://${where.cluster}/${where.task}/${where.container ?? '_'}/${jobArg}`,
        );
      }
    }
    const { job } = await jobContext(ctx, where, jobsDir);
    const jobId = handle?.jobId ?? '';
    switch (action) {
      case 'list': {
        const jobs = await listJobs(job);
        if (ctx.global.json) ctx.io.json({ jobs });
        else if (jobs.length === 0) ctx.io.result(`no jobs in ${jobsDir}`);
        else for (const j of jobs) ctx.io.result(`${j.jobId}  ${describeJobState(j.state)}  ${j.command}`);
        return EXIT.OK;
      }
      case 'status': {
        const { state, sizes } = await jobStatus(job, jobId);
        if (ctx.global.json) ctx.io.json({ jobId, state, sizes });
        else
          ctx.io.result(
            `${jobId}: ${describeJobState(state)} (stdout ${sizes.stdout} B, stderr ${sizes.stderr} B)`,
          );
        return state.kind === 'gone' ? EXIT.JOB_GONE : EXIT.OK;
      }
      case 'logs': {
        const state = await followJobLogs(job, jobId, {
          stream: argv['stderr'] === true ? 'stderr' : 'stdout',
          follow: argv['follow'] === true,
          offset: Math.max(0, Math.floor(Number(argv['offset'] ?? 0))),
          pollMs,
          onData: (bytes) => void ctx.io.stdout.write(bytes),
        });
        if (argv['follow'] === true) ctx.io.info(`${jobId}: ${describeJobState(state)}`);
        return EXIT.OK;
      }
      case 'wait': {
        const timeoutMs =
          argv['timeout'] === undefined ? undefined : positiveNumber(argv['timeout'], '--timeout') * 1000;
        const res = await waitJob(job, jobId, { pollMs, ...(timeoutMs !== undefined ? { timeoutMs } : {}) });
        if (res.kind === 'timed-out') {
          ctx.io.info(`${jobId}: still running after ${timeoutMs! / 1000} s`);
          return EXIT.TIMED_OUT;
        }
        if (ctx.global.json) ctx.io.json({ jobId, state: res.state });
        else ctx.io.info(`${jobId}: ${describeJobState(res.state)}`);
        return exitFor(res.state);
      }
      case 'kill': {
        const signal = optionalString(argv['signal'])?.replace(/^SIG/i, '').toUpperCase() ?? 'TERM';
        const sent = await killJob(job, jobId, signal);
        ctx.io.result(sent ? `${jobId}: sent SIG${signal}` : `${jobId}: not running, nothing to kill`);
        return EXIT.OK;
      }
    }
  },
});
