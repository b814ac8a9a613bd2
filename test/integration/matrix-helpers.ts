/**
 * Runs a matrix against an embedded emulator through the same parts the CLI wires together:
 * real SDK clients over HTTP, the real data-channel client over WebSockets, real sandboxes.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeAwsClients } from '../../src/aws/clients.js';
import { wsTransport } from '../../src/aws/ws-transport.js';
import { systemDeps } from '../../src/deps.js';
import { type RunningEmulator, startEmulator } from '../../src/emulator/server.js';
import { EcsCaseExecutor } from '../../src/scenarios/case-executor.js';
import { parseScenario } from '../../src/scenarios/matrix.js';
import { PreferenceController } from '../../src/scenarios/preferences.js';
import { RunStore } from '../../src/scenarios/run-store.js';
import { sessionAttachPort, sessionExecPort } from '../../src/scenarios/session-ports.js';
import { probeTasks, provisionTasks, resolveTasks } from '../../src/scenarios/targets.js';
import { runTimeoutMatrix, type TimeoutMatrixResult } from '../../src/scenarios/timeout-matrix.js';

/** An emulator plus the ports a matrix needs. */
export async function matrixBench(profile: string, timeScale = 0.01, extraTasks = 0) {
  const deps = systemDeps();
  const emu: RunningEmulator = await startEmulator({ deps, port: 0, timeScale, profile });
  const clients = makeAwsClients({
    region: emu.region,
    endpoint: emu.endpoint,
    credentials: emu.credentials,
  });
  const transport = wsTransport();
  const exec = sessionExecPort(clients, transport, deps);
  const ac = new AbortController();
  let tasks = await resolveTasks(clients.ecs, { cluster: 'default', tasks: [] });
  if (extraTasks > 0) {
    tasks = [
      ...tasks,
      ...(await provisionTasks(clients.ecs, tasks[0] as (typeof tasks)[number], extraTasks, deps, ac.signal)),
    ];
  }
  const { planTasks } = await probeTasks(tasks, exec, ac.signal);
  const executor = new EcsCaseExecutor({
    ecs: clients.ecs,
    ssm: clients.ssm,
    exec,
    attach: sessionAttachPort(transport, deps),
    deps,
    time: {
      timeScale,
      sameClock: true,
      logicalNow: () => emu.logical.now(),
      hostUptimeS: () => Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]),
    },
  });
  const dir = mkdtempSync(join(tmpdir(), 'ecs-diag-matrix-'));
  const store = new RunStore(dir);
  const run = (
    yaml: string,
    o: { signal?: AbortSignal; previous?: Parameters<typeof runTimeoutMatrix>[0]['previous'] } = {},
  ): Promise<TimeoutMatrixResult> =>
    runTimeoutMatrix({
      runId: 'itest',
      scenario: parseScenario(yaml, 'inline.yaml'),
      cluster: 'default',
      tasks: planTasks,
      timeScale,
      executor,
      exec,
      preferences: new PreferenceController(clients.ssm, 'itest'),
      store,
      target: {
        kind: 'local',
        figureKind: 'emulator-model',
        cluster: 'default',
        tasks: planTasks.map((t) => t.task),
        emulator: {
          profile: emu.profile.name,
          timeScale,
          idleTimeoutS: emu.profile.idleTimeoutS,
          sweepIntervalS: emu.profile.sweepIntervalS,
        },
      },
      deps,
      signal: o.signal ?? ac.signal,
      ...(o.previous ? { previous: o.previous } : {}),
    });
  return {
    emu,
    clients,
    store,
    dir,
    exec,
    run,
    async close() {
      ac.abort();
      clients.destroy();
      await emu.close();
    },
  };
}
