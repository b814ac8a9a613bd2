/**
 * `ecs-diag cleanup DIR`: undoes what a run left behind, from its run directory alone (a run
 * killed with SIGKILL cannot clean up after itself):
 * 1. kills the run's leftover processes in every container, by the pids its markers recorded,
 *    and removes the markers (/tmp/ecs-diag/runs/<runId>/);
 * 2. restores the Session Manager preferences from preferences-backup.json;
 * 3. stops the tasks the run provisioned.
 */
import type { EcsApi, SsmApi } from '../aws/clients.js';
import type { ExecPort } from './case-executor.js';
import { restorePreferences } from './preferences.js';
import type { RunStore } from './run-store.js';
import { stopTasks } from './targets.js';
import { cleanupTasks, type RunObserver } from './timeout-matrix.js';

/** What a cleanup did. */
export interface CleanupResult {
  readonly runId: string;
  readonly tasks: readonly string[];
  readonly killed: number;
  readonly preferencesRestored: boolean;
  readonly stoppedTasks: readonly string[];
}

/** Options of {@link cleanupRun}. */
export interface CleanupOptions {
  readonly store: RunStore;
  readonly ecs: EcsApi;
  readonly ssm: SsmApi;
  readonly exec: ExecPort;
  readonly observer?: RunObserver;
}

/** Cleans up after the run in `store`. */
export async function cleanupRun(o: CleanupOptions): Promise<CleanupResult> {
  const m = await o.store.readManifest();
  const cluster = m.target.cluster ?? 'default';
  const provisioned = m.provisionedTasks ?? [];
  const tasks = [...(m.target.tasks ?? []), ...provisioned];
  // The container of each task is the one its results name (the manifest's first task otherwise).
  const results = await o.store.readResults();
  const containerOf = new Map(results.map((r) => [r.task, r.container]));
  const fallback = results[0]?.container ?? 'app';
  const killed = await cleanupTasks(
    tasks.map((task) => ({ cluster, task, container: containerOf.get(task) ?? fallback })),
    m.runId,
    o.exec,
    o.observer,
  );
  const saved = await o.store.readPreferences();
  let preferencesRestored = false;
  if (saved) {
    await restorePreferences(o.ssm, saved, m.runId);
    preferencesRestored = true;
  }
  if (provisioned.length > 0) await stopTasks(o.ecs, cluster, provisioned);
  return { runId: m.runId, tasks, killed, preferencesRestored, stoppedTasks: provisioned };
}
