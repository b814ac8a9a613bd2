/**
 * `npm run bench -- emulator`: the embedded emulator under the field load, at time scale 0.01.
 *
 * 25 exec-enabled tasks (the zero-config one + 24 from RegisterTaskDefinition/RunTask through the
 * SDK), then 50 concurrent sessions (2 per task = the default SessionWorkersLimit): 40 detached
 * `sleep 1800` with no client (the field case) and 10 with our client attached
 * (`sh -c 'echo ready; exec sleep 1800'`, so a first output byte exists). Figures:
 * - session set-up latency p50/p99: ExecuteCommand call → response (all 50), and ExecuteCommand →
 *   first output byte (the attached 10), against a baseline measured in the same run on the idle
 *   emulator (one session at a time);
 * - the process's CPU (emulator + this bench's clients, in-process) over the run, as % of one core,
 *   the host's CPU busy % and load average;
 * - kill-time accuracy: each session's recorded kill (DescribeSessions EndDate; the agent log's
 *   cancel line, whole seconds) against the model's deadline (the first sweep tick at or after
 *   start + idleTimeoutS, on the grid origin + sweepPhaseS + k·sweepIntervalS), logical seconds.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';
import type { Session as SessionInfo } from '@aws-sdk/client-ssm';
import { type AwsClients, makeAwsClients } from '../src/aws/clients.js';
import { wsTransport } from '../src/aws/ws-transport.js';
import { systemDeps } from '../src/deps.js';
import type { BehaviourProfile } from '../src/emulator/contracts.js';
import { type RunningEmulator, startEmulator } from '../src/emulator/server.js';
import { MSG } from '../src/logs/agent-log-format.js';
import { openExecSession } from '../src/scenarios/remote-exec.js';
import type { Session, SessionEnd } from '../src/session/index.js';

const TIME_SCALE = 0.01;
const TASKS = 25;
const PER_TASK = 2;
const ATTACHED = 10;
const BASELINE_SAMPLES = 5;
const BASELINE_ATTACHED = 3;
const DETACHED_COMMAND = 'sleep 1800';
const ATTACHED_COMMAND = `sh -c 'echo ready; exec sleep 1800'`;
const AGENT_LOG = '/var/log/amazon/ssm/amazon-ssm-agent.log';
/** How long (real) to wait for the sweep after the last deadline before giving up. */
const KILL_GRACE_MS = 60_000;

/** Nearest-rank percentile (p in (0, 100]) of a non-empty sample; NaN when empty. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] as number;
}

/** The sweep grid: ticks at `originMs + phaseS + k·intervalS` (k ≥ 0), logical. */
export interface SweepGrid {
  readonly originMs: number;
  readonly phaseS: number;
  readonly intervalS: number;
}

/**
 * The model's kill deadline of a session idle since `lastActivityMs` (logical epoch ms): the first
 * sweep tick at which it has been idle for at least `idleTimeoutS`.
 */
export function sweepDeadlineMs(lastActivityMs: number, idleTimeoutS: number, grid: SweepGrid): number {
  const first = grid.originMs + grid.phaseS * 1000;
  const due = lastActivityMs + idleTimeoutS * 1000;
  const k = Math.max(0, Math.ceil((due - first) / (grid.intervalS * 1000)));
  return first + k * grid.intervalS * 1000;
}

/**
 * How late (> 0) or early (< 0) a sweep that ran at `atMs` (logical) was on the nearest grid tick,
 * in (−interval/2, interval/2].
 */
export function sweepLateMs(atMs: number, grid: SweepGrid): number {
  const first = grid.originMs + grid.phaseS * 1000;
  const interval = grid.intervalS * 1000;
  return atMs - (first + Math.round((atMs - first) / interval) * interval);
}

interface Target {
  readonly cluster: string;
  readonly task: string;
}

interface Started {
  readonly target: Target;
  readonly sessionId: string;
  readonly callMs: number;
  /** ExecuteCommand → first output byte (attached sessions only). */
  readonly firstByteMs?: number;
  readonly session?: Session;
}

export async function run(): Promise<void> {
  // The sweep's expiry events carry the logical time each sweep actually ran.
  const sweeps = new Set<number>();
  const deps = systemDeps({
    emit: (e) => {
      if (e.code === 'EMU_I0300') sweeps.add(e.time);
    },
  });
  const emu = await startEmulator({ deps, port: 0, timeScale: TIME_SCALE, profile: 'default' });
  // The session model starts its sweep grid synchronously just before startEmulator returns:
  // this reading is later than the grid origin by well under a real millisecond (< 0.1 logical s).
  const grid: SweepGrid = {
    originMs: emu.logical.now(),
    phaseS: emu.sweepPhaseS,
    intervalS: emu.profile.sweepIntervalS,
  };
  const clients = makeAwsClients({
    region: emu.region,
    endpoint: emu.endpoint,
    credentials: emu.credentials,
  });
  const transport = wsTransport();
  const open: Session[] = [];
  try {
    const tasks = await provision(clients, TASKS);
    const startOne = async (target: Target, attached: boolean): Promise<Started> => {
      const t0 = performance.now();
      if (!attached) {
        const r = await clients.ecs.executeCommand({
          ...target,
          container: 'app',
          command: DETACHED_COMMAND,
          interactive: true,
        });
        const sessionId = r.session?.sessionId;
        if (!sessionId) throw new Error('ExecuteCommand returned no session');
        return { target, sessionId, callMs: performance.now() - t0 };
      }
      let callMs = 0;
      const timed = {
        ecs: {
          executeCommand: async (i: Parameters<AwsClients['ecs']['executeCommand']>[0]) => {
            const r = await clients.ecs.executeCommand(i);
            callMs = performance.now() - t0;
            return r;
          },
        },
      };
      const { session, target: st } = await openExecSession(
        timed,
        { ...target, container: 'app' },
        ATTACHED_COMMAND,
        { deps, transport },
      );
      open.push(session);
      const first = await session.output[Symbol.asyncIterator]().next();
      if (first.done) throw new Error(`session ${st.sessionId} ended before any output`);
      return { target, sessionId: st.sessionId, callMs, firstByteMs: performance.now() - t0, session };
    };

    // 1. Baseline: the idle emulator, one session at a time (terminated after each sample).
    const base: Started[] = [];
    const first = tasks[0] as Target;
    for (let i = 0; i < BASELINE_SAMPLES + BASELINE_ATTACHED; i++) {
      const s = await startOne(first, i >= BASELINE_SAMPLES);
      base.push(s);
      s.session?.close('baseline sample done');
      await clients.ssm.terminateSession({ SessionId: s.sessionId });
    }

    // 2. The load: 50 concurrent sessions, 2 per task, ATTACHED of them with our client.
    const host0 = hostCpu();
    const cpu0 = process.cpuUsage();
    const wall0 = performance.now();
    const load0 = loadavg();
    const loopStart = monitorEventLoopDelay({ resolution: 10 });
    const loopKill = monitorEventLoopDelay({ resolution: 10 });
    loopStart.enable();
    const starts = tasks.flatMap((target, i) =>
      Array.from({ length: PER_TASK }, (_, j) => startOne(target, j === 0 && i < ATTACHED)),
    );
    const settled = await Promise.allSettled(starts);
    loopStart.disable();
    loopKill.enable();
    const started = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const failedStarts = settled.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []));

    // 3. Wait for every kill (the sweep after each deadline), then read what the emulator recorded.
    const ids = new Set(started.map((s) => s.sessionId));
    const history = await waitForKills(clients, emu, ids, grid);
    const wallS = (performance.now() - wall0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const host1 = hostCpu();
    const load1 = loadavg();
    loopKill.disable();
    const ends = await Promise.all(
      started.flatMap((s) => (s.session ? [withTimeout(s.session.ended, 5000)] : [])),
    );

    // 4. Figures.
    const kills = killErrors(
      emu,
      emu.profile,
      grid,
      started,
      history,
      [...sweeps].sort((a, b) => a - b),
    );
    const ms = (v: number) => `${v.toFixed(1)} ms`;
    const callBase = percentile(
      base.filter((s) => !s.session).map((s) => s.callMs),
      50,
    );
    const byteBase = percentile(
      base.flatMap((s) => (s.firstByteMs !== undefined ? [s.firstByteMs] : [])),
      50,
    );
    const calls = started.map((s) => s.callMs);
    const bytes = started.flatMap((s) => (s.firstByteMs !== undefined ? [s.firstByteMs] : []));
    const serviceClosed = ends.filter((e) => e?.kind === 'closed-by-service').length;
    const cpuPct = ((cpu.user + cpu.system) / 1000 / (wallS * 1000)) * 100;
    const outside = kills.ages.filter(
      (a) => a < emu.profile.idleTimeoutS || a >= emu.profile.idleTimeoutS + grid.intervalS,
    ).length;
    const lines = [
      `emulator: time scale ${TIME_SCALE}, profile ${emu.profile.name} (idle ${emu.profile.idleTimeoutS} s, sweep every ${grid.intervalS} s, phase ${grid.phaseS.toFixed(2)} s); ${tasks.length} tasks; host ${availableParallelism()} CPUs`,
      `sessions: ${started.length}/${TASKS * PER_TASK} started concurrently (${started.length - bytes.length} detached \`${DETACHED_COMMAND}\`, ${bytes.length} attached)${failedStarts.length ? `; ${failedStarts.length} FAILED: ${failedStarts[0]}` : ''}`,
      `ExecuteCommand → response, idle baseline (${BASELINE_SAMPLES} single sessions): p50 ${ms(callBase)}`,
      `ExecuteCommand → response, under load (n=${calls.length}): p50 ${ms(percentile(calls, 50))}  p99 ${ms(percentile(calls, 99))}  max ${ms(Math.max(...calls))}  (p50 ratio load/idle ${(percentile(calls, 50) / callBase).toFixed(1)}x)`,
      `ExecuteCommand → first output byte, idle baseline (${BASELINE_ATTACHED} single sessions): p50 ${ms(byteBase)} (the agent pump waits ${emu.profile.pump.firstReadDelayMs} ms before its first read)`,
      `ExecuteCommand → first output byte, under load (n=${bytes.length} attached): p50 ${ms(percentile(bytes, 50))}  p99 ${ms(percentile(bytes, 99))}  (p50 ratio load/idle ${(percentile(bytes, 50) / byteBase).toFixed(2)}x)`,
      `CPU: this process (emulator + bench clients) ${cpuPct.toFixed(1)}% of one core over ${wallS.toFixed(1)} s real (${((cpu.user + cpu.system) / 1e6).toFixed(2)} s CPU); host busy ${host1.busyPctSince(host0).toFixed(1)}% of ${availableParallelism()} CPUs; load average ${fmtLoad(load0)} → ${fmtLoad(load1)}`,
      `event loop delay while sessions start: ${loopFigures(loopStart)}; while waiting for the kills: ${loopFigures(loopKill)}`,
      `sweeps that expired sessions: ${sweeps.size}, lateness on the nearest tick (logical s, < 0 = early): ${[
        ...sweeps,
      ]
        .sort((a, b) => a - b)
        .map((t) => (sweepLateMs(t, grid) / 1000).toFixed(1))
        .join(', ')} (× ${TIME_SCALE * 1000} = real ms)`,
      `kill time − the first sweep that actually ran at or after start + idle (the model's rule, whatever the timers did): max |error| ${Math.max(0, ...kills.ruleErrors.map(Math.abs)).toFixed(2)} s (n=${kills.ruleErrors.length})`,
      `kills recorded: ${kills.ages.length}/${started.length} (DescribeSessions History, EndDate)${kills.missing.length ? `; MISSING: ${kills.missing.slice(0, 3).join(', ')}` : ''}`,
      `kill time − model deadline (EndDate, logical s): max |error| ${kills.maxAbs.toFixed(2)} s  p99 |error| ${percentile(kills.abs, 99).toFixed(2)} s  mean ${mean(kills.errors).toFixed(2)} s (resolution 0.1 s: 1 real ms)`,
      `kill time − model deadline (agent log "${MSG.REQUESTED_CANCEL.slice(0, 24)}…", whole seconds): n=${kills.logErrors.length}, max |error| ${Math.max(0, ...kills.logErrors.map(Math.abs)).toFixed(2)} s`,
      `kill age (EndDate − StartDate): min ${Math.min(...kills.ages).toFixed(1)} s  max ${Math.max(...kills.ages).toFixed(1)} s; every kill inside ${emu.profile.idleTimeoutS}–${emu.profile.idleTimeoutS + grid.intervalS} s: ${outside === 0 && kills.missing.length === 0 ? 'yes' : `NO (${outside} outside, ${kills.missing.length} missing)`}`,
      `attached clients told by the service (channel_closed): ${serviceClosed}/${ends.length}`,
      '',
    ];
    process.stdout.write(lines.join('\n'));
  } finally {
    for (const s of open) s.close('bench done');
    clients.destroy();
    await emu.close();
  }
}

/** The zero-config task plus `count - 1` more from a registered task definition, all RUNNING. */
async function provision(clients: AwsClients, count: number): Promise<Target[]> {
  const cluster = 'default';
  const listed = await clients.ecs.listTasks({ cluster });
  const taskId = (arn: string) => arn.split('/').pop() ?? arn;
  const have = (listed.taskArns ?? []).map(taskId);
  const def = await clients.ecs.registerTaskDefinition({
    family: 'ecs-diag-bench',
    containerDefinitions: [
      { name: 'app', image: 'debian:stable-slim', essential: true, command: ['tail', '-f', '/dev/null'] },
    ],
  });
  const arn = def.taskDefinition?.taskDefinitionArn;
  if (!arn) throw new Error('RegisterTaskDefinition returned no ARN');
  const runs: Promise<unknown>[] = [];
  for (let left = count - have.length; left > 0; left -= 10) {
    runs.push(
      clients.ecs
        .runTask({ cluster, taskDefinition: arn, count: Math.min(10, left), enableExecuteCommand: true })
        .then((r) => {
          if (r.failures?.length) throw new Error(`RunTask failures: ${JSON.stringify(r.failures)}`);
          for (const t of r.tasks ?? []) if (t.taskArn) have.push(taskId(t.taskArn));
        }),
    );
  }
  await Promise.all(runs);
  const d = await clients.ecs.describeTasks({ cluster, tasks: have });
  const ready = (d.tasks ?? []).filter(
    (t) =>
      t.lastStatus === 'RUNNING' &&
      t.enableExecuteCommand === true &&
      (t.containers ?? []).some((c) =>
        (c.managedAgents ?? []).some((a) => a.name === 'ExecuteCommandAgent' && a.lastStatus === 'RUNNING'),
      ),
  );
  if (ready.length < count) throw new Error(`only ${ready.length}/${count} exec-enabled tasks are RUNNING`);
  return ready.slice(0, count).map((t) => ({ cluster, task: taskId(t.taskArn ?? '') }));
}

/** Polls DescribeSessions History until every session in `ids` has an EndDate, or gives up. */
async function waitForKills(
  clients: AwsClients,
  emu: RunningEmulator,
  ids: ReadonlySet<string>,
  grid: SweepGrid,
): Promise<Map<string, SessionInfo>> {
  // Every session started after the grid origin; the latest possible deadline is one interval
  // after the latest start plus the idle timeout.
  const latestDeadline = emu.logical.now() + (emu.profile.idleTimeoutS + grid.intervalS) * 1000;
  const giveUpAt = performance.now() + (latestDeadline - emu.logical.now()) * TIME_SCALE + KILL_GRACE_MS;
  for (;;) {
    const seen = new Map<string, SessionInfo>();
    let token: string | undefined;
    do {
      const page = await clients.ssm.describeSessions({
        State: 'History',
        MaxResults: 200,
        ...(token ? { NextToken: token } : {}),
      });
      for (const s of page.Sessions ?? []) if (s.SessionId && ids.has(s.SessionId)) seen.set(s.SessionId, s);
      token = page.NextToken;
    } while (token);
    const done = [...seen.values()].filter((s) => s.Status === 'Terminated' && s.EndDate).length;
    if (done === ids.size || performance.now() > giveUpAt) return seen;
    await new Promise((r) => setTimeout(r, 250));
  }
}

interface KillErrors {
  /** Kill − deadline per session, logical s (EndDate). */
  readonly errors: number[];
  readonly abs: number[];
  readonly maxAbs: number;
  /** Kill − deadline from the agent log's cancel line (whole seconds). */
  readonly logErrors: number[];
  /** Kill − the first sweep that ran at or after the session was due (the rule, timers aside). */
  readonly ruleErrors: number[];
  /** EndDate − StartDate, logical s. */
  readonly ages: number[];
  readonly missing: string[];
}

function killErrors(
  emu: RunningEmulator,
  profile: BehaviourProfile,
  grid: SweepGrid,
  started: readonly Started[],
  history: ReadonlyMap<string, SessionInfo>,
  sweepRuns: readonly number[],
): KillErrors {
  const errors: number[] = [];
  const logErrors: number[] = [];
  const ruleErrors: number[] = [];
  const ages: number[] = [];
  const missing: string[] = [];
  const logs = new Map<string, string>();
  for (const s of started) {
    const h = history.get(s.sessionId);
    if (!h?.StartDate || !h.EndDate || h.Status !== 'Terminated') {
      missing.push(`${s.sessionId} (${h?.Status ?? 'not in History'})`);
      continue;
    }
    const start = h.StartDate.getTime();
    const end = h.EndDate.getTime();
    // Nobody sends input on these sessions: the idle clock runs from the start.
    const deadline = sweepDeadlineMs(start, profile.idleTimeoutS, grid);
    errors.push((end - deadline) / 1000);
    const ran = sweepRuns.find((t) => t >= start + profile.idleTimeoutS * 1000);
    if (ran !== undefined) ruleErrors.push((end - ran) / 1000);
    ages.push((end - start) / 1000);
    const root = emu.task(s.target.task)?.rootDir;
    if (!root) continue;
    if (!logs.has(root)) logs.set(root, readText(join(root, AGENT_LOG)));
    const line = (logs.get(root) ?? '')
      .split('\n')
      .find((l) => l.includes(s.sessionId) && l.includes(MSG.REQUESTED_CANCEL));
    const at = line ? Date.parse(`${line.slice(0, 19).replace(' ', 'T')}Z`) : Number.NaN;
    if (Number.isFinite(at)) logErrors.push((at - deadline) / 1000);
  }
  const abs = errors.map(Math.abs);
  return { errors, abs, maxAbs: Math.max(0, ...abs), logErrors, ruleErrors, ages, missing };
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** Host CPU counters from /proc/stat (Linux). */
function hostCpu(): {
  idle: number;
  total: number;
  busyPctSince(before: { idle: number; total: number }): number;
} {
  const first = readText('/proc/stat').split('\n')[0] ?? '';
  const f = first.trim().split(/\s+/).slice(1).map(Number);
  const idle = (f[3] ?? 0) + (f[4] ?? 0);
  const total = f.reduce((a, b) => a + b, 0);
  return {
    idle,
    total,
    busyPctSince: (b) => (total > b.total ? (1 - (idle - b.idle) / (total - b.total)) * 100 : Number.NaN),
  };
}

const loopFigures = (h: IntervalHistogram) =>
  `p50 ${(h.percentile(50) / 1e6).toFixed(1)} ms, p99 ${(h.percentile(99) / 1e6).toFixed(1)} ms, max ${(h.max / 1e6).toFixed(1)} ms`;
const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN);
const fmtLoad = (l: readonly number[]) => l.map((x) => x.toFixed(2)).join(' ');

function withTimeout(p: Promise<SessionEnd>, ms: number): Promise<SessionEnd | undefined> {
  return Promise.race([p, new Promise<undefined>((r) => setTimeout(() => r(undefined), ms).unref())]);
}
