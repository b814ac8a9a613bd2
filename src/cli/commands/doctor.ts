/**
 * `ecs-diag doctor`: every check of amazon-ecs-exec-checker plus the ones it misses (a real
 * exec attempt, log group encryption, kms/logs/s3 endpoints, credentials in secrets...), on one
 * task, a service's tasks or a whole cluster. Exit 1 when any check is red.
 *
 * Docs: docs/readme/doctor.md.
 */
import { execFile } from 'node:child_process';
import { makeDoctorClients } from '../../aws/doctor-clients.js';
import { wsTransport } from '../../aws/ws-transport.js';
import { DiagError } from '../../errors.js';
import { EXIT } from '../../exit-codes.js';
import { doctorApis } from '../../scenarios/doctor/doctor-apis.js';
import { sessionExecProbe } from '../../scenarios/doctor/exec-probe.js';
import { renderDoctorReport } from '../../scenarios/doctor/render.js';
import { type DoctorSelection, hasRed, runDoctor } from '../../scenarios/doctor/run-doctor.js';
import { defineCommand } from '../command.js';
import { optionalString, positiveNumber } from '../options.js';
import { connectTarget } from '../target.js';

/** The validated options of `doctor`. */
export interface DoctorCommandOptions {
  readonly selection: DoctorSelection;
  readonly concurrency: number;
  /** Attempt a real exec (echo a marker) in each container. */
  readonly exec: boolean;
  readonly execTimeoutMs: number;
  readonly sessionLimit: number;
  /** Look for session-manager-plugin on PATH. */
  readonly pluginCheck: boolean;
}

function wholeNumber(v: unknown, name: string): number {
  const n = positiveNumber(v, name);
  if (!Number.isInteger(n)) throw new DiagError('CLI_BAD_ARGUMENT', `${name} must be a whole number`);
  return n;
}

/** argv → options. Exactly one of --task, --service, --all-tasks. */
export function parseDoctorOptions(argv: Record<string, unknown>): DoctorCommandOptions {
  const raw = argv['task'];
  const tasks = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw])
    .map(String)
    .flatMap((s) => s.split(','))
    .filter(Boolean);
  const service = optionalString(argv['service']);
  const allTasks = argv['all-tasks'] === true;
  const cluster = optionalString(argv['cluster']) ?? 'default';
  const given = [tasks.length > 0, service !== undefined, allTasks].filter(Boolean).length;
  if (given !== 1) {
    throw new DiagError('CLI_BAD_ARGUMENT', 'give exactly one of --task, --service or --all-tasks');
  }
  const selection: DoctorSelection =
    tasks.length > 0
      ? { kind: 'tasks', cluster, tasks }
      : service !== undefined
        ? { kind: 'service', cluster, service }
        : { kind: 'all-tasks', cluster };
  return {
    selection,
    concurrency: argv['concurrency'] === undefined ? 4 : wholeNumber(argv['concurrency'], '--concurrency'),
    exec: argv['exec'] !== false,
    execTimeoutMs:
      (argv['exec-timeout'] === undefined ? 30 : positiveNumber(argv['exec-timeout'], '--exec-timeout')) *
      1000,
    sessionLimit:
      argv['session-limit'] === undefined ? 2 : wholeNumber(argv['session-limit'], '--session-limit'),
    pluginCheck: argv['plugin-check'] !== false,
  };
}

/** `session-manager-plugin --version`, or undefined when it is not installed. */
function pluginVersion(): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('session-manager-plugin', ['--version'], { timeout: 5000 }, (err, stdout) => {
      resolve(err ? undefined : stdout.trim() || undefined);
    });
  });
}

export const doctorCommand = defineCommand<Record<string, unknown>>({
  command: 'doctor',
  describe: 'Check every ECS Exec prerequisite (the exec-checker checks and more), then really try to exec',
  builder: (y) =>
    y
      .option('cluster', { type: 'string', describe: 'cluster name or ARN (default: default)' })
      .option('task', {
        type: 'string',
        array: true,
        describe: 'task id or ARN (repeatable, comma-separated)',
      })
      .option('service', { type: 'string', describe: 'check every running task of this service' })
      .option('all-tasks', { type: 'boolean', describe: 'check every running task of the cluster' })
      .option('concurrency', { type: 'number', describe: 'tasks checked at the same time (default 4)' })
      .option('exec', {
        type: 'boolean',
        default: true,
        describe:
          'really run `echo <marker>` in each container (--no-exec to skip: it opens a logged session)',
      })
      .option('exec-timeout', { type: 'number', describe: 'seconds to wait for the attempt (default 30)' })
      .option('session-limit', {
        type: 'number',
        describe: 'ECS Exec sessions per PID namespace (default 2)',
      })
      .option('plugin-check', {
        type: 'boolean',
        default: true,
        describe: 'look for session-manager-plugin on PATH',
      })
      .example('$0 doctor --cluster prod --task 0f3d2c1b0a9e48d7b6c5a4f3e2d1c0b9 --target aws', 'one task')
      .example(
        '$0 doctor --cluster prod --service web --target aws --json',
        'every task of a service, as JSON',
      )
      .example(
        '$0 doctor --cluster prod --all-tasks --no-exec --target aws',
        'the whole cluster, no session opened',
      )
      .example('$0 doctor --all-tasks', 'the embedded emulator'),
  async run(argv, ctx) {
    const options = parseDoctorOptions(argv);
    const target = await connectTarget(ctx.global, { deps: ctx.deps });
    ctx.onCleanup(() => target.close());
    const extra = makeDoctorClients(target.clients.config);
    ctx.onCleanup(() => extra.destroy());
    const report = await runDoctor(
      {
        region: target.region,
        apis: doctorApis(target.clients, extra),
        clock: ctx.deps.clock,
        ...(options.exec
          ? {
              execProbe: sessionExecProbe(target.clients, {
                transport: wsTransport(),
                deps: ctx.deps,
                timeoutMs: options.execTimeoutMs,
              }),
            }
          : {}),
        ...(options.pluginCheck ? { pluginProbe: pluginVersion } : {}),
        marker: () => `ECSDIAG-DOCTOR-${ctx.deps.ids.uuid().slice(0, 8)}`,
        sessionLimit: options.sessionLimit,
        signal: ctx.signal,
        log: ctx.deps.log,
      },
      { selection: options.selection, concurrency: options.concurrency },
    );
    if (ctx.global.json) ctx.io.json(report);
    else ctx.io.result(renderDoctorReport(report, { paint: (sgr, text) => ctx.io.paint(sgr, text) }));
    if (ctx.signal.aborted) return EXIT.INTERRUPTED;
    return hasRed(report) ? EXIT.FINDINGS : EXIT.OK;
  },
});
