/**
 * Checks on the task itself: status, platform/agent version, exec enabled, pidMode, the EC2
 * exec capability attribute, and the versions that matter when exec breaks after an upgrade.
 *
 * @see /work/shared/docs/prior-art.md §(b) 3.3, 3.4, 3.5, 3.12; §0.10 (capability attribute);
 *      §(c) C6 (agent upgrades breaking exec)
 */
import { type CheckDef, result, unknownFrom } from './check.js';
import type { TaskContext } from './context.js';
import type { CheckResult } from './types.js';

export const TASK_STATUS: CheckDef = { id: 'task.status', title: 'Task status', ref: 'checker 3.3' };
export const TASK_PLATFORM: CheckDef = {
  id: 'task.platform',
  title: 'Platform version / ECS agent version',
  ref: 'checker 3.4',
};
export const TASK_EXEC_ENABLED: CheckDef = {
  id: 'task.exec-enabled',
  title: 'enableExecuteCommand',
  ref: 'checker 3.5',
};
export const TASK_PID_MODE: CheckDef = { id: 'task.pid-mode', title: 'pidMode', ref: 'checker 3.12' };
export const INSTANCE_CAPABILITY: CheckDef = {
  id: 'container-instance.exec-capability',
  title: 'Container instance advertises ecs.capability.execute-command',
  ref: 'ecs-diag',
};
export const VERSIONS: CheckDef = {
  id: 'task.versions',
  title: 'Agent and platform versions',
  ref: 'ecs-diag',
};

/** Minimums from the checker. */
const FARGATE_LINUX_MIN = '1.4.0';
const FARGATE_WINDOWS_MIN = '1.0.0';
const ECS_AGENT_MIN = '1.50.2';
/** ECS agent versions users reported breaking exec (amazon-ssm-agent#536). */
const KNOWN_BAD_ECS_AGENTS: Readonly<Record<string, string>> = {
  '1.58.0': 'amazon-ssm-agent#536: exec failed with TargetNotConnected until a downgrade to 1.55.4',
};

/** Compares dotted versions numerically (`v` prefix ignored). Negative when a < b. */
export function compareVersions(a: string, b: string): number {
  const pa = a
    .replace(/^v/, '')
    .split('.')
    .map((n) => Number.parseInt(n, 10) || 0);
  const pb = b
    .replace(/^v/, '')
    .split('.')
    .map((n) => Number.parseInt(n, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Runs the task checks. */
export function taskChecks(ctx: TaskContext): CheckResult[] {
  return [
    statusCheck(ctx),
    platformCheck(ctx),
    execEnabledCheck(ctx),
    pidModeCheck(ctx),
    ...capabilityCheck(ctx),
    versionsCheck(ctx),
  ];
}

function statusCheck(ctx: TaskContext): CheckResult {
  const status = ctx.task.lastStatus ?? 'UNKNOWN';
  const evidence = {
    lastStatus: status,
    desiredStatus: ctx.task.desiredStatus,
    stoppedReason: ctx.task.stoppedReason,
  };
  if (status === 'RUNNING') return result(TASK_STATUS, 'green', 'RUNNING', { evidence });
  if (['PROVISIONING', 'ACTIVATING', 'PENDING'].includes(status)) {
    return result(TASK_STATUS, 'yellow', `${status}: not running yet`, {
      causes: ['wait until the task is RUNNING and its ExecuteCommandAgent is RUNNING'],
      evidence,
    });
  }
  if (status === 'STOPPED') {
    return result(TASK_STATUS, 'red', `STOPPED: ${ctx.task.stoppedReason ?? 'no reason given'}`, {
      evidence,
    });
  }
  return result(TASK_STATUS, 'red', `${status}: the task is going away`, { evidence });
}

function platformCheck(ctx: TaskContext): CheckResult {
  const t = ctx.task;
  if (
    t.launchType === 'FARGATE' ||
    (t.launchType === undefined && t.platformVersion !== undefined && !t.containerInstanceArn)
  ) {
    const windows = (t.platformFamily ?? '').toLowerCase().includes('windows');
    const min = windows ? FARGATE_WINDOWS_MIN : FARGATE_LINUX_MIN;
    const pv = t.platformVersion ?? 'LATEST';
    const evidence = {
      launchType: 'FARGATE',
      platformFamily: t.platformFamily,
      platformVersion: pv,
      minimum: min,
    };
    if (pv === 'LATEST' || compareVersions(pv, min) >= 0) {
      return result(TASK_PLATFORM, 'green', `Fargate platform ${pv} (>= ${min})`, { evidence });
    }
    return result(TASK_PLATFORM, 'red', `Fargate platform ${pv} is older than ${min}`, {
      causes: [
        `ECS Exec needs Fargate platform version ${min} or later: redeploy with platformVersion LATEST`,
      ],
      evidence,
    });
  }
  if (t.launchType === 'EC2' || (t.launchType === undefined && t.containerInstanceArn)) {
    const ci = ctx.containerInstance;
    if (ci === undefined) {
      return result(TASK_PLATFORM, 'unknown', 'EC2 task without a container instance ARN', {});
    }
    if (!ci.ok) return unknownFrom(TASK_PLATFORM, ci.api, ci.error);
    const agent = ci.value?.versionInfo?.agentVersion;
    const evidence = { launchType: 'EC2', agentVersion: agent, minimum: ECS_AGENT_MIN };
    if (agent === undefined)
      return result(TASK_PLATFORM, 'unknown', 'the ECS agent version is not reported', { evidence });
    if (compareVersions(agent, ECS_AGENT_MIN) < 0) {
      return result(TASK_PLATFORM, 'red', `ECS agent ${agent} is older than ${ECS_AGENT_MIN}`, {
        causes: ['update the ECS agent (or the ECS-optimized AMI) on the container instance'],
        evidence,
      });
    }
    return result(TASK_PLATFORM, 'green', `ECS agent ${agent} (>= ${ECS_AGENT_MIN})`, { evidence });
  }
  return result(TASK_PLATFORM, 'yellow', `launch type ${t.launchType ?? 'unknown'}: no known minimum`, {
    causes: ['ECS Exec support on this launch type is not verified by the checker'],
    evidence: { launchType: t.launchType },
  });
}

function execEnabledCheck(ctx: TaskContext): CheckResult {
  if (ctx.task.enableExecuteCommand === true) return result(TASK_EXEC_ENABLED, 'green', 'enabled');
  return result(TASK_EXEC_ENABLED, 'red', 'enableExecuteCommand is false on this task', {
    category: 'exec-not-enabled',
    causes: [
      'exec can only be enabled on new tasks: run-task/create-service with --enable-execute-command, or update-service --enable-execute-command --force-new-deployment',
    ],
  });
}

function pidModeCheck(ctx: TaskContext): CheckResult {
  if (!ctx.taskDefinition.ok)
    return unknownFrom(TASK_PID_MODE, ctx.taskDefinition.api, ctx.taskDefinition.error);
  const pidMode = ctx.taskDefinition.value?.pidMode;
  const containers = ctx.taskDefinition.value?.containerDefinitions?.length ?? 0;
  if (pidMode === 'task') {
    return result(TASK_PID_MODE, 'yellow', 'pidMode task: ECS Exec works in only one container of the task', {
      causes: [
        'the SSM agent runs in one container per PID namespace and you cannot pick which (containers-roadmap#2268)',
        'the per-namespace session limit is shared by every container',
      ],
      evidence: { pidMode, containers },
    });
  }
  return result(TASK_PID_MODE, 'green', pidMode === undefined ? 'not set' : `pidMode ${pidMode}`, {
    evidence: { pidMode: pidMode ?? null },
  });
}

function capabilityCheck(ctx: TaskContext): CheckResult[] {
  const ci = ctx.containerInstance;
  if (ci === undefined) return [];
  if (!ci.ok) return [unknownFrom(INSTANCE_CAPABILITY, ci.api, ci.error)];
  const attrs = ci.value?.attributes ?? [];
  const has = attrs.some((a) => a.name === 'ecs.capability.execute-command');
  return [
    has
      ? result(
          INSTANCE_CAPABILITY,
          'green',
          'the container instance advertises ecs.capability.execute-command',
        )
      : result(
          INSTANCE_CAPABILITY,
          'red',
          'the container instance does not advertise ecs.capability.execute-command',
          {
            causes: [
              'the ECS agent found no SSM binaries to stage (appendExecCapabilities): update the agent or the AMI',
            ],
            evidence: { attributes: attrs.map((a) => a.name) },
          },
        ),
  ];
}

function versionsCheck(ctx: TaskContext): CheckResult {
  const t = ctx.task;
  const ci = ctx.containerInstance?.ok ? ctx.containerInstance.value : undefined;
  const agents = (t.containers ?? []).flatMap((c) =>
    (c.managedAgents ?? []).map((a) => ({ container: c.name, name: a.name, lastStatus: a.lastStatus })),
  );
  const evidence = {
    launchType: t.launchType,
    platformFamily: t.platformFamily,
    platformVersion: t.platformVersion,
    ecsAgentVersion: ci?.versionInfo?.agentVersion,
    ecsAgentHash: ci?.versionInfo?.agentHash,
    dockerVersion: ci?.versionInfo?.dockerVersion,
    managedAgents: agents,
  };
  const known = evidence.ecsAgentVersion ? KNOWN_BAD_ECS_AGENTS[evidence.ecsAgentVersion] : undefined;
  const summary = [
    t.platformVersion && `platform ${t.platformVersion}`,
    evidence.ecsAgentVersion && `ECS agent ${evidence.ecsAgentVersion}`,
    evidence.dockerVersion && `${evidence.dockerVersion}`,
  ]
    .filter(Boolean)
    .join(', ');
  if (known !== undefined) {
    return result(VERSIONS, 'yellow', `${summary}: a version reported to break exec`, {
      causes: [known],
      evidence,
    });
  }
  return result(VERSIONS, 'green', summary || 'no versions reported', { evidence });
}
