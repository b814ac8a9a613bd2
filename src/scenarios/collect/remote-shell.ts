/**
 * The port collect-logs and jobs use to run short POSIX-sh scripts in a container.
 *
 * Each `run` is one short ECS Exec session (well under the 20-minute idle limit). The adapter
 * over `remoteExec` lives in src/scenarios/remote-exec.ts; tests may pass any implementation.
 */
import type { Deps } from '../../deps.js';
import { DiagError } from '../../errors.js';
import { describeSessionEnd, type TransportFactory } from '../../session/index.js';
import { type ExecTarget, type RemoteExecClients, remoteExec } from '../remote-exec.js';

/** The result of one script. */
export interface ShellResult {
  /** Exactly the bytes the script wrote to stdout (no pty CR, no banners). */
  readonly stdout: Uint8Array;
  readonly exitCode: number;
}

/** Runs one POSIX-sh script in the container. Rejects with a DiagError when the session fails. */
export interface RemoteShell {
  run(script: string, options?: { readonly signal?: AbortSignal }): Promise<ShellResult>;
}

/** Builds a RemoteShell over ECS Exec: each `run` is one {@link remoteExec} session. */
export function execRemoteShell(
  clients: RemoteExecClients,
  target: ExecTarget,
  options: { readonly deps: Deps; readonly transport?: TransportFactory; readonly timeoutMs?: number },
): RemoteShell {
  return {
    async run(script, runOptions) {
      const res = await remoteExec(clients, target, script, {
        deps: options.deps,
        ...(runOptions?.signal ? { signal: runOptions.signal } : {}),
        ...(options.transport ? { transport: options.transport } : {}),
        ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      });
      if (res.exitCode !== null) return { stdout: res.stdout, exitCode: res.exitCode };
      if (res.endReason.kind === 'failed') throw res.endReason.error;
      if (res.endReason.kind === 'completed' && res.outputMode === 'unknown') {
        const preamble = Buffer.from(res.preamble).toString('utf8').trim().slice(0, 200);
        throw new DiagError(
          'SESSION_NO_RESULT',
          `the command did not run in the container${preamble ? `: ${preamble}` : ''}`,
        );
      }
      throw new DiagError(
        res.endReason.kind === 'closed-by-service' ? 'SESSION_CLOSED_BY_SERVICE' : 'SESSION_CONNECTION_LOST',
        `the session ended before the command did: ${describeSessionEnd(res.endReason)}`,
      );
    },
  };
}
