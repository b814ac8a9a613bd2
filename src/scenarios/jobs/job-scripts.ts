/**
 * The container side of a detached job, in POSIX sh (busybox and debian).
 *
 * Layout of `<jobsDir>/<jobId>/`: `command` (the user's command, run as a sh script), `pid`
 * (the runner, leader of its own session and process group), `start` (epoch s), `stdout`,
 * `stderr`, and when it ends `exit` ("<status> <epoch s>", written then renamed, so it is never
 * seen half-written); `killed` ("<signal> <epoch s>") when `job kill` sent a signal.
 *
 * Detachment is what the timeout matrix shows surviving the session's kill: setsid (or, without
 * it, nohup with SIGHUP ignored), stdin from /dev/null, stdout/stderr to files, so nothing holds
 * the session's pty and the session ends at once.
 */
import { shlexQuote as shQuote } from '../../session/shlex.js';

/** The marker in the runner's argv that identifies a live job process (guards against pid reuse). */
export const RUNNER_NAME = 'ecs-diag-job';

/** Exit status of the start script when no writable job directory can be made. */
export const NO_WRITABLE_PATH_STATUS = 97;

const RUNNER = [
  'D=$1',
  'echo $$ > "$D/pid.tmp" && mv "$D/pid.tmp" "$D/pid"',
  'date +%s > "$D/start"',
  'sh "$D/command" < /dev/null > "$D/stdout" 2> "$D/stderr"',
  's=$?',
  'printf "%s %s\\n" "$s" "$(date +%s)" > "$D/exit.tmp" && mv "$D/exit.tmp" "$D/exit"',
].join('\n');

/** Starts `command` detached in `<jobsDir>/<jobId>`; prints `ECSDIAG_JOB_STARTED <pid>`. */
export function startScript(jobsDir: string, jobId: string, command: string): string {
  const dir = shQuote(`${jobsDir}/${jobId}`);
  return [
    `D=${dir}`,
    `if ! mkdir -p "$D" 2>/dev/null || ! ( : > "$D/.w" ) 2>/dev/null; then echo "ECSDIAG_NO_WRITABLE_PATH $D"; exit ${NO_WRITABLE_PATH_STATUS}; fi`,
    'rm -f "$D/.w"',
    `printf '%s\\n' ${shQuote(command)} > "$D/command"`,
    `R=${shQuote(RUNNER)}`,
    'if command -v setsid >/dev/null 2>&1; then',
    `  setsid sh -c "$R" ${RUNNER_NAME} "$D" < /dev/null > /dev/null 2>&1 &`,
    'else',
    `  ( trap '' HUP; exec nohup sh -c "$R" ${RUNNER_NAME} "$D" < /dev/null > /dev/null 2>&1 ) &`,
    'fi',
    'i=0; while [ ! -f "$D/pid" ] && [ $i -lt 50 ]; do sleep 0.1 2>/dev/null || sleep 1; i=$((i + 1)); done',
    'echo "ECSDIAG_JOB_STARTED $(cat "$D/pid" 2>/dev/null)"',
  ].join('\n');
}

/** Prints the job's state as `KEY value` lines (see {@link parseJobState}). */
export function statusScript(jobsDir: string, jobId: string): string {
  return [
    `D=${shQuote(`${jobsDir}/${jobId}`)}`,
    'if [ ! -d "$D" ]; then echo NOJOB; exit 0; fi',
    // Liveness first, then the exit file: the runner writes `exit` before it ends, so a runner
    // seen dead here has its exit file (if any) already in place. The other order races.
    'p=$(cat "$D/pid" 2>/dev/null)',
    `if [ -n "$p" ] && kill -0 "$p" 2>/dev/null && grep -q ${RUNNER_NAME} "/proc/$p/cmdline" 2>/dev/null; then echo "ALIVE $p"; fi`,
    'echo "START $(cat "$D/start" 2>/dev/null)"',
    '[ -f "$D/exit" ] && echo "EXIT $(cat "$D/exit")"',
    '[ -f "$D/killed" ] && echo "KILLED $(cat "$D/killed")"',
    'echo "SIZES $(wc -c < "$D/stdout" 2>/dev/null || echo 0) $(wc -c < "$D/stderr" 2>/dev/null || echo 0)"',
    'echo "NOW $(date +%s)"',
  ].join('\n');
}

/** Sends `signal` to the job's process group and records it. */
export function killScript(jobsDir: string, jobId: string, signal: string): string {
  return [
    `D=${shQuote(`${jobsDir}/${jobId}`)}`,
    'if [ ! -d "$D" ]; then echo NOJOB; exit 0; fi',
    'p=$(cat "$D/pid" 2>/dev/null)',
    `if [ -z "$p" ] || ! kill -0 "$p" 2>/dev/null || ! grep -q ${RUNNER_NAME} "/proc/$p/cmdline" 2>/dev/null; then echo NOTRUNNING; exit 0; fi`,
    `printf '%s %s\\n' ${shQuote(signal)} "$(date +%s)" > "$D/killed"`,
    `kill -s ${shQuote(signal)} -- -"$p" 2>/dev/null || kill -s ${shQuote(signal)} "$p"`,
    'echo "SIGNALLED $p"',
  ].join('\n');
}

/** Lists job ids with their state, one `JOB id` line followed by its status lines. */
export function listScript(jobsDir: string): string {
  return [
    `J=${shQuote(jobsDir)}`,
    'for D in "$J"/j*; do',
    '  [ -d "$D" ] || continue',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell parameter expansion, not a template
    '  echo "JOB ${D##*/}"',
    '  p=$(cat "$D/pid" 2>/dev/null)',
    `  if [ -n "$p" ] && kill -0 "$p" 2>/dev/null && grep -q ${RUNNER_NAME} "/proc/$p/cmdline" 2>/dev/null; then echo "ALIVE $p"; fi`,
    '  echo "START $(cat "$D/start" 2>/dev/null)"',
    '  [ -f "$D/exit" ] && echo "EXIT $(cat "$D/exit")"',
    '  [ -f "$D/killed" ] && echo "KILLED $(cat "$D/killed")"',
    '  echo "COMMAND $(head -c 200 "$D/command" | tr "\\n" " ")"',
    'done',
    'echo "NOW $(date +%s)"',
  ].join('\n');
}
