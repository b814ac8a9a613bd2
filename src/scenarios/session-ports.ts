/**
 * The matrix's ports (case-executor.ts) over the data-channel client: attaching to a case's
 * session, and running the short readback / probe / cleanup scripts in a container.
 */
import type { AwsClients } from '../aws/clients.js';
import type { Deps } from '../deps.js';
import { DiagError } from '../errors.js';
import { describeSessionEnd, openSession, type Transport } from '../session/index.js';
import type { AttachedClient, AttachPort, ContainerRef, ExecPort } from './case-executor.js';
import { shQuote } from './instrumentation.js';
import { executeWithSlot } from './session-slot.js';

/** Attaches our client to a session; its output is drained and dropped. */
export function sessionAttachPort(transport: Transport, deps: Deps): AttachPort {
  return {
    attach(target, signal): AttachedClient {
      const s = openSession(target, { transport, deps, signal });
      void (async () => {
        for await (const _ of s.output) {
          // drained: the payload's output is not what the case measures
        }
      })().catch(() => {});
      return {
        write: (text) => s.write(text),
        resize: (cols, rows) => s.resize(cols, rows),
        close: () => s.close('case finished'),
        ended: s.ended.then((end) => describeSessionEnd(end)),
      };
    },
  };
}

/**
 * Runs a script in a container over ECS Exec and returns its output once the session ends.
 * The script runs as `sh -c '<script>'`; output lines are returned with CR removed.
 */
export function sessionExecPort(
  clients: AwsClients,
  transport: Transport,
  deps: Deps,
  timeoutMs = 60_000,
): ExecPort {
  return {
    async exec(target: ContainerRef, script: string, signal?: AbortSignal) {
      const out = await executeWithSlot(
        () =>
          clients.ecs.executeCommand({
            cluster: target.cluster,
            task: target.task,
            container: target.container,
            interactive: true,
            command: `sh -c ${shQuote(script)}`,
          }),
        deps,
        signal,
      );
      const sess = out.session;
      if (!sess?.sessionId || !sess.streamUrl || !sess.tokenValue) {
        throw new DiagError('SCN_CASE_FAILED', 'ExecuteCommand returned no session to read back with');
      }
      const local = new AbortController();
      const timer = deps.clock.setTimeout(() => local.abort(new Error('readback timed out')), timeoutMs);
      const onAbort = () => local.abort(signal?.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      const s = openSession(
        { sessionId: sess.sessionId, streamUrl: sess.streamUrl, tokenValue: sess.tokenValue },
        { transport, deps, signal: local.signal },
      );
      const chunks: Uint8Array[] = [];
      try {
        for await (const c of s.output) chunks.push(c);
        const end = await s.ended;
        if (end.kind === 'aborted' || end.kind === 'failed') {
          throw new DiagError('SCN_CASE_FAILED', `readback session: ${describeSessionEnd(end)}`);
        }
      } finally {
        deps.clock.clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      }
      const stdout = Buffer.concat(chunks).toString('utf8').replace(/\r/g, '');
      return { stdout, exitCode: null };
    },
  };
}
