/**
 * In-order output_stream_data payloads, by PayloadType.
 *
 * - Output (1) / StdErr (11): bytes to the output. The first Output tells a session without a
 *   handshake that the command runs (§2.4).
 * - ExitCode (12): `EXIT_CODE: <n>` (NonInteractiveCommands only, §2.12).
 * - HandshakeRequest (5): answer it (KMS → fail with SESSION_KMS_UNSUPPORTED).
 * - HandshakeComplete (7): input becomes allowed; the CustomerMessage is reported as an event.
 * - EncChallengeRequest (8): only with KMS, which is not supported.
 *
 * @see ssm-data-channel.md §2.3, §2.4, §2.5, §2.12
 */
import { DiagError } from '../../errors.js';
import {
  type AgentMessage,
  decodeHandshakeCompletePayload,
  decodeHandshakeRequestPayload,
  PayloadType,
  payloadTypeName,
} from '../../protocol/index.js';
import { answerHandshake } from '../handshake.js';
import type { HandlerPort } from './port.js';

const EXIT_CODE = /^EXIT_CODE: (-?\d+)\s*$/;

/** Handles one in-order stream message. */
export function handleStreamPayload(message: AgentMessage, port: HandlerPort): void {
  switch (message.payloadType) {
    case PayloadType.Output:
      port.dispatch({ type: 'output-received' });
      port.emitOutput(message.payload);
      return;
    case PayloadType.StdErr:
      port.emitOutput(message.payload);
      return;
    case PayloadType.ExitCode: {
      const m = EXIT_CODE.exec(new TextDecoder().decode(message.payload));
      if (m?.[1] !== undefined) port.setRemoteExitCode(Number(m[1]));
      return;
    }
    case PayloadType.HandshakeRequest: {
      const request = decodeHandshakeRequestPayload(message.payload);
      if (!request.ok) {
        port.dispatch({
          type: 'fail',
          error: new DiagError('SESSION_HANDSHAKE_FAILED', request.error.message),
        });
        return;
      }
      port.dispatch({ type: 'handshake-requested' });
      const decision = answerHandshake(request.value, port.clientVersion);
      port.sendHandshakeResponse(decision.response);
      if (decision.failure) port.dispatch({ type: 'fail', error: decision.failure });
      return;
    }
    case PayloadType.HandshakeComplete: {
      const complete = decodeHandshakeCompletePayload(message.payload);
      if (complete.ok && complete.value.customerMessage !== '') {
        port.note('info', 'SES_I0201', complete.value.customerMessage, { from: 'handshake-complete' });
      }
      port.dispatch({ type: 'handshake-completed' });
      return;
    }
    case PayloadType.EncChallengeRequest:
      port.dispatch({
        type: 'fail',
        error: new DiagError(
          'SESSION_KMS_UNSUPPORTED',
          'the agent sent a KMS encryption challenge; ecs-diag does not implement KMS session encryption',
        ),
      });
      return;
    default:
      port.note(
        'debug',
        'SES_D0202',
        `ignored stream payload of type ${payloadTypeName(message.payloadType)}`,
        {
          seq: message.sequenceNumber.toString(),
        },
      );
  }
}
