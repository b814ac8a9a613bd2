/**
 * Per-container checks: the managed agent of every container (every agent, not only the first),
 * initProcessEnabled, readonlyRootFilesystem, credentials injected through `environment`,
 * `secrets`, `environmentFiles` or a run-time override, and restartPolicy.
 *
 * @see /work/shared/docs/prior-art.md §(b) 3.6, 3.7, 3.8, 3.11; §(c) C4 (checker#49), C5 (PR#80)
 */
import type * as ecs from '@aws-sdk/client-ecs';
import { type CheckDef, result, unknownFrom } from './check.js';
import type { TaskContext } from './context.js';
import type { CheckResult } from './types.js';

export const MANAGED_AGENT: CheckDef = {
  id: 'container.managed-agent',
  title: 'ExecuteCommandAgent status',
  ref: 'checker 3.6',
};
export const INIT_PROCESS: CheckDef = {
  id: 'container.init-process',
  title: 'initProcessEnabled',
  ref: 'checker 3.7',
};
export const READONLY_ROOTFS: CheckDef = {
  id: 'container.readonly-rootfs',
  title: 'readonlyRootFilesystem',
  ref: 'checker 3.8',
};
export const CREDENTIALS: CheckDef = {
  id: 'container.credentials',
  title: 'AWS credentials injected into the container',
  ref: 'checker 3.11 + ecs-diag',
};
export const RESTART_POLICY: CheckDef = {
  id: 'container.restart-policy',
  title: 'restartPolicy',
  ref: 'ecs-diag (checker PR#80)',
};

/** Variable names that override the task role for the SSM agent (checker#49). */
export const CREDENTIAL_VARIABLES: readonly string[] = [
  'AWS_ACCESS_KEY',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
];

/** Runs the per-container checks for every container of the task. */
export function containerChecks(ctx: TaskContext): CheckResult[] {
  const names = containerNames(ctx);
  const defs = ctx.taskDefinition.ok ? (ctx.taskDefinition.value?.containerDefinitions ?? []) : undefined;
  const out: CheckResult[] = [];
  for (const name of names) {
    out.push(managedAgentCheck(ctx, name));
    if (defs === undefined) {
      if (!ctx.taskDefinition.ok) {
        for (const def of [INIT_PROCESS, READONLY_ROOTFS, CREDENTIALS, RESTART_POLICY]) {
          out.push(unknownFrom(def, ctx.taskDefinition.api, ctx.taskDefinition.error, name));
        }
      }
      continue;
    }
    const def = defs.find((d) => d.name === name);
    if (def === undefined) continue;
    out.push(initProcessCheck(def), readonlyCheck(def), credentialsCheck(ctx, def), restartPolicyCheck(def));
  }
  return out;
}

/** The task's container names (from DescribeTasks, else the task definition). */
export function containerNames(ctx: TaskContext): string[] {
  const fromTask = (ctx.task.containers ?? []).map((c) => c.name ?? '').filter((n) => n !== '');
  if (fromTask.length > 0) return fromTask;
  return ctx.taskDefinition.ok
    ? (ctx.taskDefinition.value?.containerDefinitions ?? []).map((d) => d.name ?? '')
    : [];
}

function managedAgentCheck(ctx: TaskContext, name: string): CheckResult {
  const container = ctx.task.containers?.find((c) => c.name === name);
  const agents = (container?.managedAgents ?? []).filter(
    (a) => a.name === undefined || a.name === 'ExecuteCommandAgent',
  );
  const evidence = {
    agents: agents.map((a) => ({
      name: a.name,
      lastStatus: a.lastStatus,
      reason: a.reason ?? null,
      lastStartedAt: a.lastStartedAt?.toISOString(),
    })),
    containerStatus: container?.lastStatus,
  };
  if (ctx.task.enableExecuteCommand !== true && agents.length === 0) {
    return result(MANAGED_AGENT, 'unknown', 'skipped: exec is not enabled on the task', {
      container: name,
      evidence,
    });
  }
  if (agents.length === 0) {
    return result(MANAGED_AGENT, 'red', 'no ExecuteCommandAgent on this container', {
      container: name,
      category: 'exec-not-enabled',
      causes: ['the container was (re)started without the agent: run a new task with exec enabled'],
      evidence,
    });
  }
  const worst =
    agents.find((a) => a.lastStatus === 'STOPPED') ?? agents.find((a) => a.lastStatus !== 'RUNNING');
  if (worst === undefined) return result(MANAGED_AGENT, 'green', 'RUNNING', { container: name, evidence });
  if (worst.lastStatus === 'PENDING') {
    return result(MANAGED_AGENT, 'yellow', 'PENDING: the agent is starting', {
      container: name,
      causes: ['wait a few seconds and retry'],
      evidence,
    });
  }
  const since = worst.lastStartedAt ? ` (last started ${worst.lastStartedAt.toISOString()})` : '';
  return result(
    MANAGED_AGENT,
    'red',
    `${worst.lastStatus ?? 'UNKNOWN'}: ${worst.reason ?? 'no reason given'}${since}`,
    {
      container: name,
      category: 'exec-not-enabled',
      causes: [
        'the agent stopped (container restart under restartPolicy, agent crash: amazon-ssm-agent#361, aws-cli#6903): run a new task',
        'a read-only root filesystem without a writable /managed-agents volume (containers-roadmap#1359)',
      ],
      evidence,
    },
  );
}

function initProcessCheck(def: ecs.ContainerDefinition): CheckResult {
  const name = def.name ?? '';
  return def.linuxParameters?.initProcessEnabled === true
    ? result(INIT_PROCESS, 'green', 'true', { container: name })
    : result(INIT_PROCESS, 'yellow', 'not enabled', {
        container: name,
        causes: ['without an init process, processes started by exec can remain as zombies'],
      });
}

function readonlyCheck(def: ecs.ContainerDefinition): CheckResult {
  const name = def.name ?? '';
  return def.readonlyRootFilesystem === true
    ? result(READONLY_ROOTFS, 'red', 'readonlyRootFilesystem is true', {
        container: name,
        causes: ['the SSM agent needs to write to the root filesystem (containers-roadmap#1359)'],
      })
    : result(READONLY_ROOTFS, 'green', 'writable', { container: name });
}

function credentialsCheck(ctx: TaskContext, def: ecs.ContainerDefinition): CheckResult {
  const name = def.name ?? '';
  const isCred = (n: string | undefined) => n !== undefined && CREDENTIAL_VARIABLES.includes(n);
  const override = ctx.task.overrides?.containerOverrides?.find((o) => o.name === name);
  const found = [
    ...(def.environment ?? []).filter((e) => isCred(e.name)).map((e) => `environment ${e.name}`),
    ...(def.secrets ?? []).filter((s) => isCred(s.name)).map((s) => `secrets ${s.name}`),
    ...(override?.environment ?? []).filter((e) => isCred(e.name)).map((e) => `override ${e.name}`),
  ];
  const files = [...(def.environmentFiles ?? []), ...(override?.environmentFiles ?? [])].map(
    (f) => f.value ?? '',
  );
  const evidence = { found, environmentFiles: files };
  if (found.length > 0) {
    return result(CREDENTIALS, 'yellow', `defined: ${found.join(', ')}`, {
      container: name,
      category: 'target-not-connected',
      causes: [
        'these override the task role for the SSM agent: exec fails with TargetNotConnected unless those keys allow ssmmessages:* (checker#49)',
      ],
      evidence,
    });
  }
  if (files.length > 0) {
    return result(
      CREDENTIALS,
      'unknown',
      `${files.length} environment file(s) not inspected: ${files.join(', ')}`,
      {
        container: name,
        causes: [`make sure they do not set ${CREDENTIAL_VARIABLES.join(', ')}`],
        evidence,
      },
    );
  }
  return result(CREDENTIALS, 'green', 'none', { container: name, evidence });
}

function restartPolicyCheck(def: ecs.ContainerDefinition): CheckResult {
  const name = def.name ?? '';
  const rp = def.restartPolicy;
  if (rp?.enabled === true) {
    return result(
      RESTART_POLICY,
      'yellow',
      'enabled: after an in-place restart, exec into this container fails',
      {
        container: name,
        causes: [
          'the managed agent is not restarted with the container (checker PR#80): stop the task to get exec back',
        ],
        evidence: { restartPolicy: rp },
      },
    );
  }
  return result(RESTART_POLICY, 'green', 'not enabled', { container: name });
}
