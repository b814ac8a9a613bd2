/**
 * `ecs-diag run timeout-matrix`: the scenario matrix (src/scenarios/timeout-matrix.ts).
 *
 * Validates argv into {@link RunMatrixOptions}, connects the target (the embedded emulator by
 * default, at time scale 0.01), resolves, provisions and probes the tasks, runs, prints the table.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { wsTransport } from '../../aws/ws-transport.js';
import type { Deps } from '../../deps.js';
import { DiagError } from '../../errors.js';
import { EXIT } from '../../exit-codes.js';
import { EcsCaseExecutor, type TargetTime } from '../../scenarios/case-executor.js';
import { expandCases, loadScenario } from '../../scenarios/matrix.js';
import { caseSlots, renderPlan } from '../../scenarios/plan.js';
import { PreferenceController } from '../../scenarios/preferences.js';
import { createProgress } from '../../scenarios/progress.js';
import { renderTable } from '../../scenarios/report.js';
import type { CaseResult, RunTargetInfo } from '../../scenarios/result.js';
import { RUN_SCHEMA_VERSION } from '../../scenarios/result.js';
import { type RunManifest, RunStore } from '../../scenarios/run-store.js';
import { sessionAttachPort, sessionExecPort } from '../../scenarios/session-ports.js';
import {
  DEFAULT_SESSION_LIMIT,
  probeTasks,
  provisionTasks,
  type ResolvedTask,
  resolveTasks,
  stopTasks,
} from '../../scenarios/targets.js';
import { planRun, runTimeoutMatrix } from '../../scenarios/timeout-matrix.js';
import { type CliContext, defineCommand } from '../command.js';
import { optionalString, positiveNumber } from '../options.js';
import { connectTarget } from '../target.js';

/** The validated options of `run timeout-matrix`. */
export interface RunMatrixOptions {
  readonly scenarioFile: string;
  readonly outDir: string | undefined;
  readonly timeScale: number;
  readonly emulatorProfile: string | undefined;
  readonly dryRun: boolean;
  readonly resumeDir: string | undefined;
  readonly cluster: string | undefined;
  readonly tasks: readonly string[];
  readonly service: string | undefined;
  readonly container: string | undefined;
  /** undefined: automatic on the embedded emulator (one wave), none on AWS. */
  readonly provision: number | undefined;
  readonly concurrency: number | undefined;
}

/** Local default: how many tasks the embedded emulator may get for one wave. */
const MAX_AUTO_TASKS = 24;

/** The package root (where scenarios/ lives), from this file's location in src/ or dist/src/. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && /"name":\s*"ecs-diag"/.test(readFileSync(pkg, 'utf8'))) return dir;
    dir = dirname(dir);
  }
  return process.cwd();
}

/** The default scenario file. */
export function defaultScenarioFile(): string {
  return join(packageRoot(), 'scenarios', 'timeout-matrix.yaml');
}

/** argv → options. */
export function parseRunOptions(argv: Record<string, unknown>): RunMatrixOptions {
  const list = (v: unknown) =>
    (Array.isArray(v) ? v : v === undefined ? [] : [v])
      .map(String)
      .flatMap((s) => s.split(','))
      .filter(Boolean);
  const intOpt = (v: unknown, name: string) => {
    if (v === undefined) return undefined;
    const n = positiveNumber(v, name);
    if (!Number.isInteger(n)) throw new DiagError('CLI_BAD_ARGUMENT', `${name} must be a whole number`);
    return n;
  };
  const provisionRaw = argv['provision'];
  const provision =
    provisionRaw === undefined
      ? undefined
      : Number(provisionRaw) === 0
        ? 0
        : intOpt(provisionRaw, '--provision');
  const tasks = list(argv['task']);
  const service = optionalString(argv['service']);
  if (tasks.length > 0 && service)
    throw new DiagError('CLI_BAD_ARGUMENT', 'give --task or --service, not both');
  return {
    scenarioFile: optionalString(argv['scenario']) ?? defaultScenarioFile(),
    outDir: optionalString(argv['out']),
    timeScale: argv['time-scale'] === undefined ? 0.01 : positiveNumber(argv['time-scale'], '--time-scale'),
    emulatorProfile: optionalString(argv['emulator-profile']),
    dryRun: argv['dry-run'] === true,
    resumeDir: optionalString(argv['resume']),
    cluster: optionalString(argv['cluster']),
    tasks,
    service,
    container: optionalString(argv['container']),
    provision,
    concurrency: intOpt(argv['concurrency'], '--concurrency'),
  };
}

/** A run id: UTC time plus 6 hex digits; safe in paths and in shell words. */
export function newRunId(deps: Deps): string {
  const t = new Date(deps.clock.now())
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${t}-${deps.ids.uuid().replace(/-/g, '').slice(0, 6)}`.toLowerCase();
}

export const runCommand = defineCommand<Record<string, unknown>>({
  command: 'run <matrix>',
  describe:
    'Run a scenario matrix (timeout-matrix): how long ECS Exec commands survive, which workarounds hold',
  builder: (y) =>
    y
      .positional('matrix', { choices: ['timeout-matrix'], describe: 'the matrix to run' })
      .option('scenario', {
        type: 'string',
        describe: 'scenario YAML (default: scenarios/timeout-matrix.yaml)',
      })
      .option('out', { type: 'string', describe: 'run directory (default: reports/<run-id>/)' })
      .option('time-scale', {
        type: 'number',
        describe: 'embedded emulator: real seconds per logical second (default 0.01)',
      })
      .option('emulator-profile', {
        type: 'string',
        describe:
          'embedded emulator: behaviour profile name or JSON file (--profile works too with --target local)',
      })
      .option('dry-run', { type: 'boolean', default: false, describe: 'print the plan only' })
      .option('resume', {
        type: 'string',
        describe: 'finish the run in DIR (cases with a result are skipped)',
      })
      .option('cluster', { type: 'string', describe: 'cluster (default: "default")' })
      .option('task', { type: 'string', array: true, describe: 'task id or ARN (repeatable)' })
      .option('service', { type: 'string', describe: "use the service's running tasks" })
      .option('container', {
        type: 'string',
        describe: 'container name (default: the first with a running exec agent)',
      })
      .option('provision', {
        type: 'number',
        describe:
          'start N extra exec-enabled copies of the task, stopped at the end (local default: enough for one wave)',
      })
      .option('concurrency', {
        type: 'number',
        describe: 'at most N cases at once (default: every session slot)',
      })
      .example('$0 run timeout-matrix', 'the default matrix on the embedded emulator (under a minute)')
      .example('$0 run timeout-matrix --dry-run', 'print the plan only')
      .example(
        '$0 run timeout-matrix --scenario scenarios/quick.yaml --profile short-window',
        'a small matrix against the 300-330 s emulator profile',
      )
      .example('$0 run timeout-matrix --resume reports/20261129T174500Z-1a2b3c', 'finish an interrupted run')
      .example(
        '$0 run timeout-matrix --target aws --cluster prod --task 0f3d2c1b --provision 4',
        'on AWS: 5 tasks, real time (hours)',
      ),
  run: async (argv, ctx) => runMatrixCommand(parseRunOptions(argv), ctx),
});

/** The command's work, once the options are valid. */
export async function runMatrixCommand(opts: RunMatrixOptions, ctx: CliContext): Promise<number> {
  const { io, deps, global } = ctx;
  const local = global.target === 'local';

  // 1. What to run: a fresh run, or the rest of an earlier one.
  let manifest: RunManifest | undefined;
  let previous: CaseResult[] = [];
  let store: RunStore | undefined;
  if (opts.resumeDir) {
    store = new RunStore(resolve(opts.resumeDir));
    manifest = await store.readManifest();
    previous = await store.readResults();
    if (manifest.target.kind !== global.target) {
      throw new DiagError(
        'SCN_RESUME_MISMATCH',
        `the run in ${opts.resumeDir} was on --target ${manifest.target.kind}`,
        {
          source: 'user',
        },
      );
    }
  }
  const scenario = await loadScenario(manifest?.scenario.file ?? opts.scenarioFile);
  const timeScale = local ? (manifest?.target.timeScale ?? opts.timeScale) : 1;
  const profile = manifest?.target.profile ?? opts.emulatorProfile ?? (local ? global.profile : undefined);
  const cluster = manifest?.target.cluster ?? opts.cluster ?? 'default';
  const caseCount = expandCases(scenario).length;

  if (opts.dryRun && local && !global.endpointUrl) {
    // Nothing to ask a fresh emulator: it has one task with the default limit.
    const provision = opts.provision ?? autoProvision(caseCount, 1, DEFAULT_SESSION_LIMIT);
    const tasks = Array.from({ length: 1 + provision }, (_, i) => ({
      task: i === 0 ? 'default-task' : `provisioned-${i}`,
      container: 'app',
      sessionLimit: DEFAULT_SESSION_LIMIT,
    }));
    const { plan } = planRun(scenario, tasks, { timeScale, previous, ...concurrency(opts) });
    io.result(renderPlan(plan).join('\n'));
    return EXIT.OK;
  }

  // 2. The target.
  const conn = await connectTarget(global, {
    deps,
    timeScale,
    ...(profile ? { profile: resolveProfile(profile) } : {}),
  });
  ctx.onCleanup(() => conn.close());
  const transport = wsTransport();
  const exec = sessionExecPort(conn.clients, transport, deps);

  // 3. The tasks: given, or the cluster's; plus copies; then their limits.
  const selection = {
    cluster,
    tasks: manifest?.target.tasks?.slice(0, 1) ?? opts.tasks,
    ...(opts.service ? { service: opts.service } : {}),
    ...(opts.container ? { container: opts.container } : {}),
  };
  let tasks: ResolvedTask[] = await resolveTasks(conn.clients.ecs, selection);
  const first = tasks[0] as ResolvedTask;
  const wanted =
    opts.provision ??
    (local && !global.endpointUrl ? autoProvision(caseCount, tasks.length, DEFAULT_SESSION_LIMIT) : 0);
  let provisioned: ResolvedTask[] = [];
  if (wanted > 0 && !opts.dryRun) {
    io.info(`provisioning ${wanted} extra task(s) from ${first.task}…`);
    provisioned = await provisionTasks(conn.clients.ecs, first, wanted, deps, ctx.signal);
    ctx.onCleanup(() =>
      stopTasks(
        conn.clients.ecs,
        cluster,
        provisioned.map((t) => t.task),
      ),
    );
    tasks = [...tasks, ...provisioned];
  }
  const { planTasks, agentVersions } = opts.dryRun
    ? {
        planTasks: tasks.map((t) => ({
          task: t.task,
          container: t.container,
          sessionLimit: DEFAULT_SESSION_LIMIT,
        })),
        agentVersions: {},
      }
    : await probeTasks(tasks, exec, ctx.signal);
  if (opts.dryRun) {
    const { plan } = planRun(scenario, planTasks, { timeScale, previous, ...concurrency(opts) });
    io.result([...renderPlan(plan), '  (session limits not probed in a dry run: 2 assumed)'].join('\n'));
    return EXIT.OK;
  }

  // 4. The run directory.
  const runId = manifest?.runId ?? newRunId(deps);
  store ??= new RunStore(resolve(opts.outDir ?? join('reports', runId)));
  const emu = conn.emulator;
  const target: RunTargetInfo = {
    kind: local ? 'local' : 'aws',
    figureKind: local ? 'emulator-model' : 'field-measurement',
    ...(conn.endpoint ? { endpoint: conn.endpoint } : {}),
    region: conn.region,
    cluster,
    tasks: planTasks.map((t) => t.task),
    ...(emu
      ? {
          emulator: {
            profile: emu.profile.name,
            timeScale: emu.timeScale,
            idleTimeoutS: emu.profile.idleTimeoutS,
            sweepIntervalS: emu.profile.sweepIntervalS,
          },
        }
      : {}),
    ...(Object.keys(agentVersions).length > 0 ? { agentVersions } : {}),
  };
  manifest ??= {
    schemaVersion: RUN_SCHEMA_VERSION,
    runId,
    createdAt: new Date(deps.clock.now()).toISOString(),
    scenario: { name: scenario.name, file: resolve(scenario.file) },
    target: {
      kind: target.kind,
      region: conn.region,
      ...(global.endpointUrl ? { endpoint: global.endpointUrl } : {}),
      cluster,
      tasks: tasks.filter((t) => !provisioned.includes(t)).map((t) => t.task),
      ...(opts.service ? { service: opts.service } : {}),
      ...(wanted > 0 ? { provision: wanted } : {}),
      timeScale,
      ...(profile ? { profile } : {}),
    },
    ...(opts.concurrency ? { concurrency: opts.concurrency } : {}),
  };
  await store.create({ ...manifest, provisionedTasks: provisioned.map((t) => t.task) });
  io.info(`run ${runId}: ${store.dir}`);

  // 5. Run.
  const time: TargetTime = emu
    ? {
        timeScale: emu.timeScale,
        sameClock: true,
        logicalNow: () => emu.logical.now(),
        hostUptimeS: readHostUptime,
      }
    : local
      ? // An emulator reached by URL: its logical clock is unknown here unless it runs at scale 1.
        {
          timeScale,
          sameClock: true,
          logicalNow: () => deps.clock.now(),
          hostUptimeS: readHostUptime,
          serviceClock: timeScale === 1,
        }
      : { timeScale: 1, sameClock: false, logicalNow: () => deps.clock.now() };
  const progress = createProgress({
    mode: global.json ? 'ndjson' : global.quiet ? 'quiet' : io.interactive ? 'tty' : 'plain',
    out: global.json ? io.stdout : io.stderr,
    clock: deps.clock,
    timeScale: time.timeScale,
  });
  const executor = new EcsCaseExecutor({
    ecs: conn.clients.ecs,
    ssm: conn.clients.ssm,
    exec,
    attach: sessionAttachPort(transport, deps),
    deps,
    time,
  });
  let outcome: Awaited<ReturnType<typeof runTimeoutMatrix>>;
  try {
    outcome = await runTimeoutMatrix({
      runId,
      scenario,
      cluster,
      tasks: planTasks,
      timeScale: time.timeScale,
      ...concurrency(opts),
      executor,
      exec,
      preferences: new PreferenceController(conn.clients.ssm, runId),
      store,
      target,
      deps,
      signal: ctx.signal,
      observer: progress,
      previous,
    });
  } finally {
    progress.stop();
  }
  const { report, interrupted } = outcome;

  // 6. The result.
  if (global.json) io.ndjson({ type: 'report', reportDir: store.dir, report });
  else io.result(renderTable(report, scenario.variants));
  io.info(`report: ${store.path('reportMd')} (and report.json, results.jsonl)`);
  if (interrupted) {
    io.info(`interrupted: finish it with  ecs-diag run timeout-matrix --resume ${store.dir}`);
    return EXIT.INTERRUPTED;
  }
  return EXIT.OK;
}

/** Extra tasks so that every case runs in one wave, within {@link MAX_AUTO_TASKS}. */
function autoProvision(cases: number, existing: number, limit: number): number {
  const needed = Math.min(MAX_AUTO_TASKS, Math.ceil(cases / caseSlots(limit)));
  return Math.max(0, needed - existing);
}

function concurrency(o: RunMatrixOptions): { concurrency?: number } {
  return o.concurrency === undefined ? {} : { concurrency: o.concurrency };
}

/** A profile name or a path: relative paths resolve against the working directory. */
function resolveProfile(p: string): string {
  return /[/\\]|\.json$/.test(p) ? resolve(p) : p;
}

function readHostUptime(): number | undefined {
  try {
    return Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
  } catch {
    return undefined;
  }
}
