/**
 * How a command is wrapped so that ECS Exec reports its real exit status.
 *
 * ECS Exec runs the command on a pty and never tells the client its exit status (§2.12); it
 * splits the string and execs it without a shell (§3.3). So the string sent is
 *
 *   sh -c '<WRAPPER>' ecs-diag '<user command>' '<marker>'
 *
 * and WRAPPER (fixed text; the user command arrives as $1, never re-quoted) does:
 *   1. `stty -echo -onlcr`: no echo, no LF→CRLF, so the bytes arrive exactly (binary-safe);
 *   2. prints `<marker>:begin:raw` (or `:crlf` when stty is missing) on its own line: everything
 *      before it (banners, profile output) is dropped;
 *   3. runs `sh -c "$1"` with stdin from /dev/null (or the pty, for interactive input), so an
 *      `exit` in the command ends only the inner shell;
 *   4. prints LF `<marker>:end:<status>` LF; the leading LF is removed again.
 *
 * The marker is random per run, so command output cannot fake it by accident.
 */
import { shlexJoin } from './shlex.js';

/** Where the command's stdin comes from. */
export type CommandStdin = 'null' | 'pty';

/** The fixed wrapper script ($1 = command, $2 = marker). */
export function wrapperScript(stdin: CommandStdin): string {
  const redirect = stdin === 'null' ? ' </dev/null' : '';
  return [
    'if stty -echo -onlcr 2>/dev/null; then m=raw; else m=crlf; fi',
    `printf '%s:begin:%s\\n' "$2" "$m"`,
    `sh -c "$1" sh${redirect}`,
    'r=$?',
    `printf '\\n%s:end:%s\\n' "$2" "$r"`,
  ].join('; ');
}

/** A fresh marker: `ECSDIAG_` + 32 hex digits from a UUID. */
export function newMarker(uuid: string): string {
  return `ECSDIAG_${uuid.replaceAll('-', '').toUpperCase()}`;
}

/** The ECS Exec `command` string that runs `command` under the wrapper. */
export function wrapCommand(command: string, marker: string, stdin: CommandStdin = 'null'): string {
  return shlexJoin(['sh', '-c', wrapperScript(stdin), 'ecs-diag', command, marker]);
}
