/**
 * `ecs-diag exec [--cluster C] [--task T] [--container N] [--detach] -- command…`
 *
 * Runs a command in a container through ECS Exec, with what the AWS CLI cannot give: the exact
 * output on stdout (no banners, no CR added by the pty) and the command's own exit status as
 * ours. `--interactive` gives a raw terminal instead (stdin raw, window size followed).
 *
 * One argument is a shell command line (`-- 'ls -l | wc -l'`); several are an argv, each word
 * passed unchanged (`-- printf '%s\n' "a b"`).
 *
 * Exit codes: the remote command's status (0-255); 255 (EXIT.SESSION_LOST) when the session was
 * killed by the service or the connection was lost before the command ended; 124 on --timeout;
 * 130 on Ctrl-C; 2 bad input; 3 AWS/environment (ExecuteCommand refused, KMS-encrypted session).
 */
import { Writable } from 'node:stream';
import type { EcsApi } from '../../aws/clients.js';
import { wsTransport } from '../../aws/ws-transport.js';
import { DiagError } from '../../errors.js';
import { EXIT } from '../../exit-codes.js';
import { DEFAULT_JOBS_DIR } from '../../scenarios/jobs/jobs.js';
import { type ExecTarget, openExecSession, remoteExec } from '../../scenarios/remote-exec.js';
import { resolveOneTask } from '../../scenarios/targets.js';
import { describeSessionEnd, type RunResult, type SessionEnd, shlexJoin } from '../../session/index.js';
import { type CliContext, defineCommand } from '../command.js';
import type { TextOut } from '../io.js';
import {
  optionalString,
  parseTaskTarget,
  positiveNumber,
  type TaskTargetOptions,
  withTaskTarget,
} from '../options.js';
import { connectTarget } from '../target.js';
import { runDetached } from './job.js';

/** Validated options of `ecs-diag exec`. */
export interface ExecCommandOptions {
  /** `task` is undefined when not given: the cluster's only running task is used. */
  readonly where: TaskTargetOptions;
  /** The command string handed to the wrapper (or to ExecuteCommand with --interactive). */
  readonly command: string;
  readonly interactive: boolean;
  readonly timeoutMs: number | undefined;
  /** `--detach`: start as a job that outlives the session, in this jobs directory. */
  readonly detach: { readonly jobsDir: string } | undefined;
}

/** Validates argv (the command words come after `--`). */
export function parseExecOptions(argv: Record<string, unknown>): ExecCommandOptions {
  const words = commandWords(argv);
  if (words.length === 0) {
    throw new DiagError(
      'CLI_BAD_ARGUMENT',
      'name the command to run after --, e.g. ecs-diag exec --task T -- ls -l',
    );
  }
  const timeout = argv['timeout'];
  const detach = argv['detach'] === true;
  if (detach && argv['interactive'] === true) {
    throw new DiagError('CLI_BAD_ARGUMENT', '--detach and --interactive exclude each other');
  }
  return {
    where: parseTaskTarget(argv),
    command: words.length === 1 ? (words[0] as string) : shlexJoin(words),
    interactive: argv['interactive'] === true,
    timeoutMs: timeout === undefined ? undefined : positiveNumber(timeout, '--timeout') * 1000,
    detach: detach ? { jobsDir: optionalString(argv['jobs-dir']) ?? DEFAULT_JOBS_DIR } : undefined,
  };
}

function commandWords(argv: Record<string, unknown>): string[] {
  const fromPositional = Array.isArray(argv['command']) ? argv['command'] : [];
  const afterDashes = Array.isArray(argv['--']) ? argv['--'] : [];
  return [...fromPositional, ...afterDashes].map(String);
}

/** The exit code for a non-interactive run. */
export function execExitCode(result: RunResult, timedOut: boolean, interrupted: boolean): number {
  if (result.exitCode !== null) return result.exitCode;
  if (interrupted) return EXIT.INTERRUPTED;
  if (timedOut) return EXIT.TIMED_OUT;
  return EXIT.SESSION_LOST;
}

/** `ecs-diag exec`. */
export const execCommand = defineCommand<Record<string, unknown>>({
  command: 'exec [command..]',
  describe: 'Run a command in a container via ECS Exec: exact stdout and the real exit code',
  builder: (y) =>
    withTaskTarget(y)
      .parserConfiguration({ 'populate--': true })
      .positional('command', { type: 'string', array: true, describe: 'the command (after --)' })
      .option('detach', {
        alias: 'd',
        type: 'boolean',
        default: false,
        describe: 'start it as a job that outlives the session; prints its handle (see `ecs-diag job`)',
      })
      .option('jobs-dir', {
        type: 'string',
        describe: `--detach: job directory root in the container (default ${DEFAULT_JOBS_DIR})`,
      })
      .option('interactive', {
        alias: 'i',
        type: 'boolean',
        default: false,
        describe: 'a raw terminal (stdin raw, window size followed); the exit code is then 0 or 255',
      })
      .option('timeout', { type: 'number', describe: 'end the session after this many seconds (exit 124)' })
      .example('$0 exec --cluster demo --task 0f3d2c1b -- cat /etc/os-release', 'print a file, exactly')
      .example(
        "$0 exec --cluster demo --task 0f3d2c1b -- 'test -f /tmp/ready'; echo $?",
        'the real exit code',
      )
      .example('$0 exec --cluster demo --task 0f3d2c1b --container app -i -- /bin/sh', 'an interactive shell')
      .example('$0 exec --target aws --region eu-west-1 --cluster prod --task abc -- uptime', 'on real AWS')
      .example(
        '$0 exec --detach --cluster prod --task abc -- ./migrate.sh',
        'a long job; prints ecsjob://… for `job wait`',
      ),
  run: async (argv, ctx) => {
    const options = parseExecOptions(argv);
    if (options.detach) return runDetached(ctx, options.where, options.command, options.detach.jobsDir);
    const target = await connectTarget(ctx.global, { deps: ctx.deps });
    ctx.onCleanup(() => target.close());
    const clients = { ecs: target.clients.ecs, ssm: target.clients.ssm };
    const execTarget = await resolveExecTarget(target.clients.ecs, options.where);
    if (options.interactive) return runInteractive(clients, execTarget, options, ctx);

    const out = byteWriter(ctx.io.stdout);
    const result = await remoteExec(clients, execTarget, options.command, {
      deps: ctx.deps,
      signal: ctx.signal,
      transport: wsTransport(),
      keepStdout: ctx.global.json,
      ...(ctx.global.json ? {} : { onStdout: out }),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    });
    const interrupted = ctx.signal.aborted;
    const timedOut = !interrupted && result.endReason.kind === 'aborted' && options.timeoutMs !== undefined;
    failIfNeverStarted(result);
    if (ctx.global.json) {
      ctx.io.json(execJson(result));
    } else if (result.exitCode === null) {
      ctx.io.error(
        `the command did not finish: ${describeSessionEnd(result.endReason)} [session ${result.sessionId}]`,
      );
    } else if (result.outputMode === 'crlf') {
      ctx.io.warn(
        'stty is missing in the container: CRLF was turned back into LF (binary output may differ)',
      );
    }
    return execExitCode(result, timedOut, interrupted);
  },
});

/** The task named, or the cluster's only running exec-enabled task when none is. */
async function resolveExecTarget(ecs: EcsApi, where: TaskTargetOptions): Promise<ExecTarget> {
  if (where.task) {
    return {
      cluster: where.cluster,
      task: where.task,
      ...(where.container ? { container: where.container } : {}),
    };
  }
  const task = await resolveOneTask(ecs, where);
  return { cluster: task.cluster, task: task.task, container: task.container };
}

/** A session that failed before the command ran (KMS handshake, connect) is an error, not a result. */
function failIfNeverStarted(result: RunResult): void {
  const end = result.endReason;
  if (end.kind === 'failed' && result.outputMode === 'unknown') throw end.error;
  if (end.kind === 'completed' && result.outputMode === 'unknown') {
    const said = Buffer.from(result.preamble).toString('utf8').trim();
    throw new DiagError(
      'SESSION_NO_RESULT',
      `the command wrapper did not run in the container${said ? `: ${said.slice(0, 300)}` : ''}`,
      { hint: 'ecs-diag exec needs /bin/sh in the container image; use --interactive otherwise' },
    );
  }
}

/** The --json document. */
export function execJson(result: RunResult) {
  const text = Buffer.from(result.stdout).toString('utf8');
  const isUtf8 = Buffer.from(text, 'utf8').equals(Buffer.from(result.stdout));
  return {
    sessionId: result.sessionId,
    exitCode: result.exitCode,
    end: endJson(result.endReason),
    outputMode: result.outputMode,
    ...(isUtf8 ? { stdout: text } : { stdoutBase64: Buffer.from(result.stdout).toString('base64') }),
    timings: result.timings,
  };
}

function endJson(end: SessionEnd) {
  switch (end.kind) {
    case 'failed':
      return { kind: end.kind, code: end.error.code, message: end.error.message };
    default:
      return end;
  }
}

/** Writes bytes unchanged to a Node stream; decodes to text for plain text sinks (tests). */
function byteWriter(out: TextOut): (chunk: Uint8Array) => void {
  if (out instanceof Writable) return (chunk) => out.write(chunk);
  return (chunk) => out.write(Buffer.from(chunk).toString('utf8'));
}

// --- interactive -------------------------------------------------------------------------------

async function runInteractive(
  clients: Parameters<typeof openExecSession>[0],
  execTarget: ExecTarget,
  options: ExecCommandOptions,
  ctx: CliContext,
): Promise<number> {
  const { session } = await openExecSession(clients, execTarget, options.command, {
    deps: ctx.deps,
    signal: ctx.signal,
    transport: wsTransport(),
  });
  const stdin = process.stdin;
  const stdout = process.stdout;
  const raw = stdin.isTTY === true;
  const onInput = (data: Buffer) => session.write(new Uint8Array(data));
  const onResize = () => session.resize(stdout.columns ?? 300, stdout.rows ?? 100);
  const timer =
    options.timeoutMs === undefined
      ? undefined
      : ctx.deps.clock.setTimeout(() => session.close('timed out'), options.timeoutMs);
  if (raw) stdin.setRawMode(true);
  stdin.on('data', onInput);
  stdin.resume();
  if (stdout.isTTY) {
    onResize();
    stdout.on('resize', onResize);
  }
  try {
    for await (const chunk of session.output) stdout.write(chunk);
  } finally {
    stdin.off('data', onInput);
    stdin.pause();
    if (raw) stdin.setRawMode(false);
    stdout.off('resize', onResize);
    if (timer !== undefined) ctx.deps.clock.clearTimeout(timer);
  }
  const end = await session.ended;
  if (end.kind === 'failed') throw end.error;
  if (end.kind === 'completed') return EXIT.OK;
  ctx.io.info(`\n${describeSessionEnd(end)} [session ${session.sessionId}]`);
  if (ctx.signal.aborted) return EXIT.INTERRUPTED;
  if (end.kind === 'aborted' && timer !== undefined) return EXIT.TIMED_OUT;
  return EXIT.SESSION_LOST;
}
