/**
 * The port collect-logs and jobs use to run short POSIX-sh scripts in a container.
 *
 * Each `run` is one short ECS Exec session (well under the 20-minute idle limit). The adapter
 * over `remoteExec` lives in src/scenarios/remote-exec.ts; tests may pass any implementation.
 */

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
