/**
 * `npm run bench -- matrix`: the default matrix (scenarios/timeout-matrix.yaml) on the embedded
 * emulator at time scale 0.01, with enough tasks for one wave per phase.
 *
 * Figures:
 * - wall time of the run against the schedule's lower bound (per phase, the longest case × the
 *   waves the session limit forces); target ≤ 1.10×;
 * - every measured kill time (in the container, by the markers) against the emulator's ground
 *   truth (the kill it recorded: session end − session start, logical s); target within 1 s.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { makeAwsClients } from '../src/aws/clients.js';
import { wsTransport } from '../src/aws/ws-transport.js';
import { systemDeps } from '../src/deps.js';
import { startEmulator } from '../src/emulator/server.js';
import { EcsCaseExecutor } from '../src/scenarios/case-executor.js';
import { expandCases, loadScenario } from '../src/scenarios/matrix.js';
import { caseSlots } from '../src/scenarios/plan.js';
import { PreferenceController } from '../src/scenarios/preferences.js';
import { RunStore } from '../src/scenarios/run-store.js';
import { sessionAttachPort, sessionExecPort } from '../src/scenarios/session-ports.js';
import { probeTasks, provisionTasks, resolveTasks } from '../src/scenarios/targets.js';
import { runTimeoutMatrix } from '../src/scenarios/timeout-matrix.js';

const TIME_SCALE = 0.01;

export async function run(): Promise<void> {
  const root = resolve(import.meta.dirname, '..', import.meta.dirname.includes('dist') ? '..' : '');
  const scenario = await loadScenario(join(root, 'scenarios', 'timeout-matrix.yaml'));
  const deps = systemDeps();
  const emu = await startEmulator({ deps, port: 0, timeScale: TIME_SCALE, profile: 'default' });
  const clients = makeAwsClients({
    region: emu.region,
    endpoint: emu.endpoint,
    credentials: emu.credentials,
  });
  const transport = wsTransport();
  const exec = sessionExecPort(clients, transport, deps);
  const ac = new AbortController();
  try {
    const first = await resolveTasks(clients.ecs, { cluster: 'default', tasks: [] });
    const need = Math.ceil(expandCases(scenario).length / caseSlots(emu.profile.sessionWorkersLimit));
    const extra = await provisionTasks(
      clients.ecs,
      first[0] as (typeof first)[number],
      need - first.length,
      deps,
      ac.signal,
    );
    const { planTasks } = await probeTasks([...first, ...extra], exec, ac.signal);
    const executor = new EcsCaseExecutor({
      ecs: clients.ecs,
      ssm: clients.ssm,
      exec,
      attach: sessionAttachPort(transport, deps),
      deps,
      time: {
        timeScale: TIME_SCALE,
        sameClock: true,
        logicalNow: () => emu.logical.now(),
        hostUptimeS: () => Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]),
      },
    });
    const t0 = performance.now();
    const { report, plan } = await runTimeoutMatrix({
      runId: 'bench',
      scenario,
      cluster: 'default',
      tasks: planTasks,
      timeScale: TIME_SCALE,
      executor,
      exec,
      preferences: new PreferenceController(clients.ssm, 'bench'),
      store: new RunStore(mkdtempSync(join(tmpdir(), 'ecs-diag-bench-matrix-'))),
      target: {
        kind: 'local',
        figureKind: 'emulator-model',
        cluster: 'default',
        tasks: planTasks.map((t) => t.task),
      },
      deps,
      signal: ac.signal,
    });
    const wallS = (performance.now() - t0) / 1000;

    // Ground truth: the kills the emulator recorded (idle-timeout ends), logical seconds.
    const truth = new Map(
      emu.state.sessions
        .filter((s) => s.endReason === 'idle-timeout' && s.endDate !== undefined)
        .map((s) => [s.sessionId, ((s.endDate as number) - s.startDate) / 1000]),
    );
    const killed = report.cases.filter((c) => c.outcome === 'killed' && c.killedAtS !== undefined);
    const errors = killed.map((c) => {
      const t = truth.get(c.sessionId ?? '');
      return {
        caseId: c.caseId,
        measured: c.killedAtS as number,
        truth: t,
        error: t === undefined ? undefined : (c.killedAtS as number) - t,
      };
    });
    const matched = errors.filter((e) => e.error !== undefined);
    const within = matched.filter((e) => Math.abs(e.error as number) <= 1).length;
    const maxErr = Math.max(0, ...matched.map((e) => Math.abs(e.error as number)));
    const ratio = wallS / plan.lowerBoundRealS;

    const out = (s: string) => process.stdout.write(`${s}\n`);
    out(
      `cases ${report.cases.length} on ${planTasks.length} tasks, ${plan.waves} wave(s) in ${plan.phases} phase(s), time scale ${TIME_SCALE}`,
    );
    out(
      `wall ${wallS.toFixed(1)} s, lower bound ${plan.lowerBoundRealS.toFixed(1)} s, ratio ${ratio.toFixed(3)} (target ≤ 1.10: ${ratio <= 1.1 ? 'met' : 'NOT met'})`,
    );
    out(`plan's expected wall ${plan.expectedWallRealS.toFixed(1)} s`);
    out(
      `kill window n=${report.killWindow.n} min=${report.killWindow.min} median=${report.killWindow.median} max=${report.killWindow.max} (profile: idle ${emu.profile.idleTimeoutS} s, sweep ${emu.profile.sweepIntervalS} s)`,
    );
    for (const e of errors) {
      out(
        `  ${e.caseId.padEnd(24)} measured ${e.measured.toFixed(2)} s  emulator ${e.truth?.toFixed(2) ?? '?'} s  error ${e.error?.toFixed(2) ?? '?'} s`,
      );
    }
    out(
      `kills within 1 logical s of the emulator's record: ${within}/${killed.length}, max error ${maxErr.toFixed(2)} s (target: all: ${within === killed.length && killed.length > 0 ? 'met' : 'NOT met'})`,
    );
    const bad = report.cases.filter((c) => c.outcome === 'error');
    if (bad.length > 0) out(`errors: ${bad.map((c) => `${c.caseId} ${c.error?.code}`).join(', ')}`);
  } finally {
    ac.abort();
    clients.destroy();
    await emu.close();
  }
}
