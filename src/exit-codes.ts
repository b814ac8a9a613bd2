/**
 * Documented process exit codes (README "Exit codes"). Stable: scripts depend on them.
 *
 * `ecs-diag exec` and `ecs-diag job wait` pass the remote command's own status through
 * (0-125 as the command returned it), so their own failures use the high codes below,
 * the way ssh uses 255 and timeout(1) uses 124.
 */
export const EXIT = {
  OK: 0,
  /** Findings (doctor red), a regression (regress), killed sessions found (analyze --fail-on-kill). */
  FINDINGS: 1,
  /** Bad input: unknown option, missing path, invalid YAML, no such cluster/task. */
  USAGE: 2,
  /** AWS or the environment failed: credentials, network, namespaces unavailable. */
  ENVIRONMENT: 3,
  /** A bug in ecs-diag. */
  INTERNAL: 4,
  /** job wait: gave up waiting (--timeout). */
  TIMED_OUT: 124,
  /** Interrupted by Ctrl-C (SIGINT), after cleaning up. */
  INTERRUPTED: 130,
  /** job wait/status: the job is gone without an exit status (killed, task stopped). */
  JOB_GONE: 254,
  /** exec: the session was killed by the service or the connection was lost before the command ended. */
  SESSION_LOST: 255,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT] | number;
