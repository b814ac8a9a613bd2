/**
 * What the checker never does: look at the open sessions against the per-namespace limit, and
 * really connect (ExecuteCommand + data channel with the project's client), echo a marker and
 * time the first byte. A failure is classified and comes with its likely causes.
 *
 * @see /work/shared/docs/prior-art.md §(d) 4 ("checker is green but it still fails"), §(c) C4, C5, C7
 */
import { classifyError, classifyText } from '../../aws/classify.js';
import { shlexQuote } from '../../session/index.js';
import { PROBE_SCRIPT, parseProbe } from '../targets.js';
import { causesOf } from './causes.js';
import { type CheckDef, firstLine, result, unknownFrom } from './check.js';
import type { TaskContext } from './context.js';
import type { CheckResult, DoctorEnv } from './types.js';

export const SESSION_LIMIT: CheckDef = {
  id: 'exec.session-limit',
  title: 'Open ECS Exec sessions vs the session limit',
  ref: 'ecs-diag',
};
export const AGENT_CONFIG: CheckDef = {
  id: 'exec.ssm-agent',
  title: 'SSM agent version and session limit (read in the container)',
  ref: 'ecs-diag',
};
export const EXEC_ATTEMPT: CheckDef = {
  id: 'exec.attempt',
  title: 'Real ExecuteCommand attempt (echo a marker)',
  ref: 'ecs-diag',
};

/** @default per PID namespace; aws-api.md §2.1 ("maximum session limit of 2", low confidence). */
export const DEFAULT_SESSION_LIMIT = 2;

/** The SSM target of an ECS Exec session (aws-cli executecommand.py). */
export function ssmTarget(cluster: string, taskId: string, runtimeId: string): string {
  return `ecs:${cluster}_${taskId}_${runtimeId}`;
}

/** The containers exec can be tried on: those with an ExecuteCommandAgent, else all. */
function execContainers(ctx: TaskContext): string[] {
  const all = (ctx.task.containers ?? []).filter((c) => c.name);
  const withAgent = all.filter((c) => (c.managedAgents ?? []).some((a) => a.name === 'ExecuteCommandAgent'));
  return (withAgent.length > 0 ? withAgent : all).map((c) => c.name ?? '');
}

/** Counts open sessions per container and grades them against the limit. */
export async function sessionLimitCheck(env: DoctorEnv, ctx: TaskContext): Promise<CheckResult> {
  const limit = env.sessionLimit ?? DEFAULT_SESSION_LIMIT;
  const clusterName = ctx.task.clusterArn?.split('/').pop() ?? ctx.cluster;
  const counts: Record<string, number> = {};
  try {
    for (const c of ctx.task.containers ?? []) {
      if (!c.name || !c.runtimeId) continue;
      counts[c.name] = await countActive(env, ssmTarget(clusterName, ctx.taskId, c.runtimeId));
    }
  } catch (err) {
    return unknownFrom(SESSION_LIMIT, 'ssm:DescribeSessions', err);
  }
  const sharedNamespace = ctx.taskDefinition.ok && ctx.taskDefinition.value?.pidMode === 'task';
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const evidence = { limit, open: counts, pidMode: sharedNamespace ? 'task' : null };
  const full = sharedNamespace
    ? total >= limit
      ? ['the task']
      : []
    : Object.entries(counts)
        .filter(([, n]) => n >= limit)
        .map(([name]) => name);
  if (full.length > 0) {
    return result(SESSION_LIMIT, 'red', `session limit (${limit}) reached for ${full.join(', ')}`, {
      category: 'session-limit',
      causes: causesOf('session-limit'),
      evidence,
    });
  }
  return result(SESSION_LIMIT, 'green', `${total} open session(s), limit ${limit} per PID namespace`, {
    evidence,
  });
}

async function countActive(env: DoctorEnv, target: string): Promise<number> {
  let n = 0;
  let token: string | undefined;
  do {
    const out = await env.apis.ssm.describeSessions({
      State: 'Active',
      Filters: [{ key: 'Target', value: target }],
      ...(token ? { NextToken: token } : {}),
    });
    n += (out.Sessions ?? []).filter((s) => s.Target === undefined || s.Target === target).length;
    token = out.NextToken;
  } while (token);
  return n;
}

/** Tries a real exec into each container that has an agent (one after the other: the limit). */
export async function execAttemptChecks(env: DoctorEnv, ctx: TaskContext): Promise<CheckResult[]> {
  const containers = execContainers(ctx);
  if (env.execProbe === undefined) {
    return containers.map((c) => result(EXEC_ATTEMPT, 'unknown', 'skipped (--no-exec)', { container: c }));
  }
  if (ctx.task.lastStatus !== 'RUNNING') {
    return containers.map((c) =>
      result(EXEC_ATTEMPT, 'unknown', `skipped: the task is ${ctx.task.lastStatus ?? 'not running'}`, {
        container: c,
      }),
    );
  }
  const out: CheckResult[] = [];
  for (const container of containers) {
    if (env.signal.aborted) {
      out.push(result(EXEC_ATTEMPT, 'unknown', 'skipped: interrupted', { container }));
      continue;
    }
    out.push(await attempt(env, ctx, container));
  }
  const reachable = out.find((r) => r.status === 'green')?.container;
  if (reachable !== undefined && !env.signal.aborted) out.push(await agentConfigCheck(env, ctx, reachable));
  return out;
}

/**
 * Once exec works: reads the in-container agent's version (its log) and SessionWorkersLimit
 * (its config) with the matrix's probe script. Needs `sh` in the image; anything missing is
 * `unknown`, never red.
 */
async function agentConfigCheck(env: DoctorEnv, ctx: TaskContext, container: string): Promise<CheckResult> {
  const probe = env.execProbe;
  if (probe === undefined) return result(AGENT_CONFIG, 'unknown', 'skipped', { container });
  try {
    const r = await probe(
      { cluster: ctx.cluster, task: ctx.taskId, container },
      `sh -c ${shlexQuote(PROBE_SCRIPT)}`,
      env.signal,
    );
    const found = parseProbe(r.stdout.replace(/\r/g, ''));
    const configured = /ecsdiag:config=\S/.test(r.stdout);
    const evidence = {
      agentVersion: found.agentVersion ?? null,
      sessionWorkersLimit: found.sessionLimit,
      configRead: configured,
    };
    if (found.agentVersion === undefined) {
      return result(
        AGENT_CONFIG,
        'unknown',
        `agent version not found (no readable agent log); session limit ${found.sessionLimit}`,
        {
          container,
          causes: ['the image may lack sh/grep, or the agent log is elsewhere'],
          evidence,
        },
      );
    }
    return result(
      AGENT_CONFIG,
      'green',
      `amazon-ssm-agent ${found.agentVersion}, SessionWorkersLimit ${found.sessionLimit}`,
      {
        container,
        evidence,
      },
    );
  } catch (err) {
    return unknownFrom(AGENT_CONFIG, 'the agent probe', err, container);
  }
}

async function attempt(env: DoctorEnv, ctx: TaskContext, container: string): Promise<CheckResult> {
  const probe = env.execProbe;
  if (probe === undefined) return result(EXEC_ATTEMPT, 'unknown', 'skipped', { container });
  const marker = env.marker();
  const started = env.clock.now();
  try {
    const r = await probe(
      { cluster: ctx.cluster, task: ctx.taskId, container },
      `echo ${marker}`,
      env.signal,
    );
    const elapsedMs = env.clock.now() - started;
    if (env.signal.aborted && !r.stdout.includes(marker)) {
      return result(EXEC_ATTEMPT, 'unknown', 'interrupted before the marker came back', { container });
    }
    const evidence = {
      marker,
      elapsedMs,
      firstByteMs: r.firstByteMs ?? null,
      exitCode: r.exitCode ?? null,
      endReason: r.endReason ?? null,
      ...(r.timings ? { timings: r.timings } : {}),
    };
    if (r.stdout.includes(marker)) {
      const fb = r.firstByteMs === undefined ? '' : `, first byte after ${Math.round(r.firstByteMs)} ms`;
      return result(EXEC_ATTEMPT, 'green', `marker echoed in ${elapsedMs} ms${fb}`, { container, evidence });
    }
    const category = classifyText(`${r.endReason ?? ''}\n${r.stdout}`) ?? 'unknown';
    return result(
      EXEC_ATTEMPT,
      'red',
      `the session opened but the marker never came back${r.endReason ? `: ${firstLine(r.endReason)}` : ''}`,
      {
        container,
        category,
        causes:
          category === 'unknown'
            ? [
                'the image may lack /bin/sh or echo, or the agent closed the session (see the in-container agent log)',
              ]
            : causesOf(category),
        evidence,
      },
    );
  } catch (err) {
    if (env.signal.aborted) return result(EXEC_ATTEMPT, 'unknown', 'interrupted', { container });
    const c = classifyError(err);
    return result(EXEC_ATTEMPT, 'red', `${c.name ?? 'Error'}: ${firstLine(c.message)}`, {
      container,
      category: c.category,
      causes: causesOf(c.category),
      evidence: {
        marker,
        elapsedMs: env.clock.now() - started,
        error: c.name,
        httpStatus: c.httpStatus,
        fault: c.fault,
      },
    });
  }
}
