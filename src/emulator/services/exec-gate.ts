/**
 * The doctor state's say on ExecuteCommand: the control plane can call {@link execCommandGate}
 * after its own checks (aws-api.md §2.1 order: exec enabled, then permissions and the agent's
 * connection) so IAM denials in the doctor state fail a real exec the way AWS does.
 *
 * - the caller denied `ecs:ExecuteCommand` on the task → AccessDeniedException (400)
 * - the task role denied any `ssmmessages:*` channel action → TargetNotConnectedException:
 *   the agent cannot open its control channel (aws-api.md §5.1)
 *
 * @see src/emulator/spec/doctor-services.md "Effect on ExecuteCommand"
 */
import { AwsServiceError } from '../http/aws-error.js';
import type { EmulatorWorld } from '../world.js';
import { doctorState, evaluate } from './doctor-state.js';

/** @see aws-api.md §2.1 */
const TARGET_NOT_CONNECTED = 'The execute command failed due to an internal error. Try again later.';

const CHANNEL_ACTIONS = [
  'ssmmessages:CreateControlChannel',
  'ssmmessages:CreateDataChannel',
  'ssmmessages:OpenControlChannel',
  'ssmmessages:OpenDataChannel',
];

/** What the gate needs to know about the call. */
export interface ExecGateInput {
  /** The caller's principal ARN (`world.principalArn(accessKeyId)`). */
  readonly callerArn: string;
  readonly taskArn: string;
  /** The task role ARN (override, else the task definition's), if any. */
  readonly taskRoleArn: string | undefined;
}

/** The error ExecuteCommand must answer with, or undefined to go on. */
export function execCommandGate(w: EmulatorWorld, input: ExecGateInput): AwsServiceError | undefined {
  const s = doctorState(w.state, w.accountId);
  const caller = s.sts.callerArn ?? input.callerArn;
  const exec = evaluate(s, caller, 'ecs:ExecuteCommand', input.taskArn);
  if (exec.decision !== 'allowed') {
    const why =
      exec.decision === 'explicitDeny'
        ? 'with an explicit deny in an identity-based policy'
        : 'because no identity-based policy allows the ecs:ExecuteCommand action';
    return new AwsServiceError(
      'AccessDeniedException',
      `User: ${caller} is not authorized to perform: ecs:ExecuteCommand on resource: ${input.taskArn} ${why}`,
      { messageKey: 'message' },
    );
  }
  if (
    input.taskRoleArn !== undefined &&
    CHANNEL_ACTIONS.some((a) => evaluate(s, input.taskRoleArn ?? '', a, '*').decision !== 'allowed')
  ) {
    return new AwsServiceError('TargetNotConnectedException', TARGET_NOT_CONNECTED, {
      messageKey: 'message',
    });
  }
  return undefined;
}
