/**
 * The real connection attempt behind `exec.attempt`, on the project's own client:
 *
 *   1. ecs:ExecuteCommand (interactive) → session id, stream URL, token (SDK errors propagate:
 *      doctor classifies them)
 *   2. open the data channel (src/session), time the first output byte
 *   3. read until the session ends or `timeoutMs`; a `failed` end (KMS handshake, connect) throws
 *      its DiagError, a service close is returned as `endReason` (classified from its text)
 *   4. a session still open at the timeout is closed and terminated (ssm:TerminateSession)
 */
import type { AwsClients } from '../../aws/clients.js';
import type { Deps } from '../../deps.js';
import { DiagError } from '../../errors.js';
import { openSession, type Transport } from '../../session/index.js';
import type { ExecProbe } from './types.js';

/** Options of {@link sessionExecProbe}. */
export interface SessionExecProbeOptions {
  readonly transport: Transport;
  readonly deps: Deps;
  /** Give up reading after this long. @default 30_000 */
  readonly timeoutMs?: number;
}

/** An {@link ExecProbe} over ExecuteCommand and the data-channel client. */
export function sessionExecProbe(clients: AwsClients, options: SessionExecProbeOptions): ExecProbe {
  const { deps, transport } = options;
  const timeoutMs = options.timeoutMs ?? 30_000;
  return async (target, command, signal) => {
    const started = deps.clock.now();
    const out = await clients.ecs.executeCommand({
      cluster: target.cluster,
      task: target.task,
      container: target.container,
      interactive: true,
      command,
    });
    const sess = out.session;
    if (!sess?.sessionId || !sess.streamUrl || !sess.tokenValue) {
      throw new DiagError('AWS_SERVICE_ERROR', 'ExecuteCommand returned no session');
    }
    const local = new AbortController();
    const timer = deps.clock.setTimeout(
      () => local.abort(new Error('doctor exec attempt timed out')),
      timeoutMs,
    );
    const onAbort = () => local.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    const session = openSession(
      { sessionId: sess.sessionId, streamUrl: sess.streamUrl, tokenValue: sess.tokenValue },
      { transport, deps, signal: local.signal, clientVersion: 'ecs-diag-doctor' },
    );
    const chunks: Uint8Array[] = [];
    let firstByteMs: number | undefined;
    try {
      for await (const chunk of session.output) {
        firstByteMs ??= deps.clock.now() - started;
        chunks.push(chunk);
      }
      const end = await session.ended;
      if (end.kind === 'failed') throw end.error;
      if (end.kind === 'aborted') {
        await clients.ssm.terminateSession({ SessionId: sess.sessionId }).catch(() => undefined);
      }
      return {
        stdout: Buffer.concat(chunks).toString('utf8'),
        exitCode: session.remoteExitCode,
        endReason:
          end.kind === 'completed'
            ? 'completed'
            : end.kind === 'closed-by-service'
              ? end.reason
              : `${end.kind}: ${end.reason}`,
        firstByteMs,
        timings: {
          sessionId: sess.sessionId,
          totalMs: deps.clock.now() - started,
          stats: { ...session.stats },
        },
      };
    } finally {
      deps.clock.clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    }
  };
}
