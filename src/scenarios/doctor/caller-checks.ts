/**
 * Checks about the caller (the human or CI principal) and the local client.
 *
 * @see /work/shared/docs/prior-art.md §(b) 1.3, 2.2, 2.5, 3.2a-c; aws-api.md §5.2
 */
import { type CheckDef, result, unknownFrom } from './check.js';
import { type CallerInfo, execConfigOf, type Fetched, type TaskContext, taskArnOf } from './context.js';
import { simulationCheck } from './simulate.js';
import type { CheckResult, DoctorEnv } from './types.js';

export const CALLER_IDENTITY: CheckDef = {
  id: 'caller.identity',
  title: 'Caller identity',
  ref: 'checker 2.2',
};
export const CLIENT_REGION: CheckDef = { id: 'client.region', title: 'Region', ref: 'checker 1.3' };
export const CLIENT_PLUGIN: CheckDef = {
  id: 'client.session-manager-plugin',
  title: 'Session Manager plugin',
  ref: 'checker 2.5',
};
export const CALLER_EXECUTE_COMMAND: CheckDef = {
  id: 'caller.execute-command',
  title: 'Caller may run ecs:ExecuteCommand',
  ref: 'checker 3.2a',
};
export const CALLER_KMS: CheckDef = {
  id: 'caller.kms-generate-data-key',
  title: 'Caller may run kms:GenerateDataKey',
  ref: 'checker 3.2b',
};
export const CALLER_START_SESSION: CheckDef = {
  id: 'caller.ssm-start-session-denied',
  title: 'Caller is denied ssm:StartSession on the task',
  ref: 'checker 3.2c',
};

/** The run-level checks: region, caller identity, plugin. */
export async function clientChecks(env: DoctorEnv, caller: Fetched<CallerInfo>): Promise<CheckResult[]> {
  const checks: CheckResult[] = [
    result(CLIENT_REGION, 'green', `region ${env.region}`, { evidence: { region: env.region } }),
  ];
  checks.push(
    caller.ok
      ? result(CALLER_IDENTITY, 'green', `${caller.value.arn} (account ${caller.value.account})`, {
          evidence: { ...caller.value },
        })
      : unknownFrom(CALLER_IDENTITY, caller.api, caller.error),
  );
  if (env.pluginProbe) {
    try {
      const version = await env.pluginProbe();
      checks.push(
        version === undefined
          ? result(CLIENT_PLUGIN, 'yellow', 'session-manager-plugin not found on PATH', {
              causes: [
                'ecs-diag uses its own data-channel client and does not need it; `aws ecs execute-command` does',
              ],
            })
          : result(CLIENT_PLUGIN, 'green', `session-manager-plugin ${version}`, { evidence: { version } }),
      );
    } catch (err) {
      checks.push(unknownFrom(CLIENT_PLUGIN, 'session-manager-plugin --version', err));
    }
  }
  return checks;
}

/** The caller's permissions on this task (and its KMS key). */
export async function callerChecks(
  env: DoctorEnv,
  ctx: TaskContext,
  keyArn: string | undefined,
): Promise<CheckResult[]> {
  const caller = ctx.caller;
  if (!caller.ok) {
    return [CALLER_EXECUTE_COMMAND, CALLER_START_SESSION].map((def) =>
      unknownFrom(def, caller.api, caller.error),
    );
  }
  const principalArn = caller.value.principalArn;
  const taskArn = taskArnOf(ctx);
  const checks = [
    simulationCheck(env.apis.iam, {
      def: CALLER_EXECUTE_COMMAND,
      principalArn,
      who: 'the caller',
      actions: ['ecs:ExecuteCommand'],
      resource: taskArn,
      causes: [
        'no identity policy allows ecs:ExecuteCommand on this task',
        'a policy condition (ecs:container-name, ecs:cluster, tags) does not match',
      ],
    }),
    simulationCheck(env.apis.iam, {
      def: CALLER_START_SESSION,
      principalArn,
      who: 'the caller',
      actions: ['ssm:StartSession'],
      resource: taskArn,
      expect: 'should-deny',
      causes: [
        'ssm:StartSession lets sessions bypass ECS Exec logging; deny it on arn:aws:ecs:*:<account>:task/<cluster>/* (least privilege)',
      ],
    }),
  ];
  const kmsKeyId = execConfigOf(ctx)?.kmsKeyId;
  if (kmsKeyId !== undefined) {
    checks.push(
      simulationCheck(env.apis.iam, {
        def: CALLER_KMS,
        principalArn,
        who: 'the caller',
        actions: ['kms:GenerateDataKey'],
        // checker PR#33: the simulation needs the key ARN, not its id.
        resource: keyArn ?? kmsKeyId,
        causes: ['the caller needs kms:GenerateDataKey on the cluster exec KMS key'],
      }),
    );
  }
  return Promise.all(checks);
}
