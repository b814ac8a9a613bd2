/**
 * IAM policy simulation for a set of actions on one resource, turned into one check result.
 *
 * The simulator cannot evaluate some conditions, SCPs or permissions boundaries with
 * `aws:RequestedRegion` (checker#44, #68, #70), so a deny names that possibility among its causes.
 */
import type { IamApi } from '../../aws/doctor-clients.js';
import { type CheckDef, result, unknownFrom } from './check.js';
import type { CheckResult } from './types.js';

/** One action's decision (`allowed`, `implicitDeny`, `explicitDeny`). */
export interface Decision {
  readonly action: string;
  readonly resource: string;
  readonly decision: string;
  /** False when an SCP blocks it (AllowedByOrganizations). */
  readonly allowedByOrganizations?: boolean;
}

/** Simulates `actions` on `resource` for `principalArn`. */
export async function simulate(
  iam: IamApi,
  principalArn: string,
  actions: readonly string[],
  resource: string,
): Promise<Decision[]> {
  const out = await iam.simulatePrincipalPolicy({
    PolicySourceArn: principalArn,
    ActionNames: [...actions],
    ResourceArns: [resource],
  });
  return (out.EvaluationResults ?? []).map((r) => ({
    action: r.EvalActionName ?? '',
    resource: r.EvalResourceName ?? resource,
    decision: r.EvalDecision ?? 'implicitDeny',
    ...(r.OrganizationsDecisionDetail?.AllowedByOrganizations === undefined
      ? {}
      : { allowedByOrganizations: r.OrganizationsDecisionDetail.AllowedByOrganizations }),
  }));
}

/** What a simulation check needs. */
export interface SimulationSpec {
  readonly def: CheckDef;
  readonly principalArn: string;
  /** Who the principal is, for the detail line (`caller`, `task role`). */
  readonly who: string;
  readonly actions: readonly string[];
  readonly resource: string;
  /** Causes when denied. */
  readonly causes: readonly string[];
  /**
   * `must-allow` (red when any action is denied) or `should-deny` (yellow when allowed: the
   * checker's ssm:StartSession least-privilege advice).
   * @default 'must-allow'
   */
  readonly expect?: 'must-allow' | 'should-deny';
}

/** Simulates and grades. An error on the simulation itself gives `unknown`. */
export async function simulationCheck(iam: IamApi, spec: SimulationSpec): Promise<CheckResult> {
  let decisions: Decision[];
  try {
    decisions = await simulate(iam, spec.principalArn, spec.actions, spec.resource);
  } catch (err) {
    return unknownFrom(spec.def, 'iam:SimulatePrincipalPolicy', err);
  }
  const evidence = {
    principal: spec.principalArn,
    resource: spec.resource,
    decisions: Object.fromEntries(decisions.map((d) => [d.action, d.decision])),
  };
  const notAllowed = decisions.filter((d) => d.decision !== 'allowed');
  const missing = spec.actions.filter((a) => !decisions.some((d) => d.action === a));
  if (spec.expect === 'should-deny') {
    return notAllowed.length === decisions.length && decisions.length > 0
      ? result(spec.def, 'green', `${spec.who} is denied ${spec.actions.join(', ')}`, { evidence })
      : result(spec.def, 'yellow', `${spec.who} is allowed ${spec.actions.join(', ')}`, {
          causes: spec.causes,
          evidence,
        });
  }
  if (notAllowed.length === 0 && missing.length === 0) {
    return result(spec.def, 'green', `${spec.who} is allowed ${spec.actions.join(', ')}`, { evidence });
  }
  const scp = notAllowed.some((d) => d.allowedByOrganizations === false);
  const denied = [
    ...notAllowed.map((d) => `${d.action} (${d.decision})`),
    ...missing.map((a) => `${a} (no result)`),
  ];
  return result(spec.def, 'red', `${spec.who} is not allowed ${denied.join(', ')}`, {
    causes: [
      ...spec.causes,
      ...(scp
        ? [
            'an SCP denies it (AllowedByOrganizations: false); conditional SCPs may be a false result (checker#70)',
          ]
        : []),
      'the simulator ignores some conditions and boundaries (checker#44, #68): if exec works, this can be a false result',
    ],
    evidence,
  });
}
