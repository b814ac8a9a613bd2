/**
 * The client's answer to a HandshakeRequest (pure).
 *
 * - SessionType: Standard_Stream, InteractiveCommands and NonInteractiveCommands are supported
 *   (the plugin maps all three to its shell handler); Port is not (this client has no port mode).
 * - KMSEncryption: not supported. We answer Unsupported (status 3) so the agent fails fast, and
 *   end the session with SESSION_KMS_UNSUPPORTED.
 * - Any other action: Unsupported (status 3). The plugin's quirk of writing 3 into ActionResult is
 *   not copied.
 *
 * @see ssm-data-channel.md §2.3, §2.13
 */
import { DiagError } from '../errors.js';
import {
  ActionStatus,
  ActionType,
  type HandshakeRequestContent,
  type HandshakeResponseContent,
  type ProcessedClientAction,
} from '../protocol/index.js';

/** Session types this client can drive. */
export const SUPPORTED_SESSION_TYPES: ReadonlySet<string> = new Set([
  'Standard_Stream',
  'InteractiveCommands',
  'NonInteractiveCommands',
]);

/** The response to send, and the error to end with when the session cannot go on. */
export interface HandshakeDecision {
  readonly response: HandshakeResponseContent;
  readonly failure: DiagError | undefined;
}

/** Decides the HandshakeResponse for a request. */
export function answerHandshake(request: HandshakeRequestContent, clientVersion: string): HandshakeDecision {
  let failure: DiagError | undefined;
  const processed: ProcessedClientAction[] = request.requestedClientActions.map((action) => {
    if (action.actionType === ActionType.SessionType) {
      const params = action.actionParameters as { SessionType?: unknown } | null;
      const type = typeof params?.SessionType === 'string' ? params.SessionType : '';
      if (SUPPORTED_SESSION_TYPES.has(type)) {
        return {
          actionType: action.actionType,
          actionStatus: ActionStatus.Success,
          actionResult: null,
          error: '',
        };
      }
      failure ??= new DiagError(
        'SESSION_HANDSHAKE_FAILED',
        `the agent asked for session type ${JSON.stringify(type)}, which ecs-diag does not support`,
      );
      return {
        actionType: action.actionType,
        actionStatus: ActionStatus.Failed,
        actionResult: null,
        error: `Unsupported session type ${type}`,
      };
    }
    if (action.actionType === ActionType.KMSEncryption) {
      failure ??= new DiagError(
        'SESSION_KMS_UNSUPPORTED',
        'the session is KMS-encrypted (the cluster sets executeCommandConfiguration.kmsKeyId) and ecs-diag does not implement KMS session encryption',
        {
          hint: 'use the AWS CLI with session-manager-plugin for this cluster, or run ecs-diag against a cluster without a KMS key',
        },
      );
      return {
        actionType: action.actionType,
        actionStatus: ActionStatus.Unsupported,
        actionResult: null,
        error: 'KMS encryption is not supported by this client',
      };
    }
    return {
      actionType: action.actionType,
      actionStatus: ActionStatus.Unsupported,
      actionResult: null,
      error: `Unsupported action ${action.actionType}`,
    };
  });
  return { response: { clientVersion, processedClientActions: processed, errors: null }, failure };
}
