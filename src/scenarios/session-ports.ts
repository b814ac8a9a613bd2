/**
 * The matrix's ports (case-executor.ts) over the data-channel client: attaching to a case's
 * session, and running the short readback / probe / cleanup scripts in a container.
 */
import type { AwsClients } from '../aws/clients.js';
import type { Deps } from '../deps.js';
import { DiagError } from '../errors.js';
import { describeSessionEnd, openSession, type Transport } from '../session/index.js';
import type { AttachedClient, AttachPort, ContainerRef, ExecPort } from './case-executor.js';
import { remoteExec } from './remote-exec.js';
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
 * Runs a script in a container over ECS Exec ({@link remoteExec}: the real exit status, exact
 * output), waiting for a free session slot first.
 */
export function sessionExecPort(
  clients: AwsClients,
  transport: Transport,
  deps: Deps,
  timeoutMs = 60_000,
): ExecPort {
  return {
    async exec(target: ContainerRef, script: string, signal?: AbortSignal) {
      const ecs = {
        executeCommand: (i: Parameters<AwsClients['ecs']['executeCommand']>[0]) =>
          executeWithSlot(() => clients.ecs.executeCommand(i), deps, signal),
      };
      const res = await remoteExec({ ecs, ssm: clients.ssm }, target, script, {
        deps,
        transport,
        timeoutMs,
        ...(signal ? { signal } : {}),
      });
      if (res.exitCode === null && (res.endReason.kind === 'aborted' || res.endReason.kind === 'failed')) {
        throw new DiagError('SCN_CASE_FAILED', `readback session: ${describeSessionEnd(res.endReason)}`);
      }
      return { stdout: Buffer.from(res.stdout).toString('utf8'), exitCode: res.exitCode };
    },
  };
}
