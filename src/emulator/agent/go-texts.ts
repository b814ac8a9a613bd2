/**
 * Texts the agent's Go runtime prints for process outcomes: `*exec.ExitError` strings
 * (`exit status 2`, `signal: killed`) and exec start errors.
 *
 * @see Go os/exec_posix.go (ProcessState.String), syscall/zerrors_linux_*.go (signal names),
 *      os/exec/lp_unix.go (ErrNotFound)
 */
import { constants } from 'node:os';

/** Go's syscall.Signal.String() on Linux, by signal number. */
const GO_SIGNAL_NAMES: Readonly<Record<number, string>> = {
  1: 'hangup',
  2: 'interrupt',
  3: 'quit',
  4: 'illegal instruction',
  5: 'trace/breakpoint trap',
  6: 'aborted',
  7: 'bus error',
  8: 'floating point exception',
  9: 'killed',
  10: 'user defined signal 1',
  11: 'segmentation fault',
  12: 'user defined signal 2',
  13: 'broken pipe',
  14: 'alarm clock',
  15: 'terminated',
};

/** `SIGKILL` for 9 (Node's names), or undefined. */
export function signalName(signal: number): string | undefined {
  return Object.entries(constants.signals).find(([, n]) => n === signal)?.[0];
}

/** Go's text for a signal number: `killed`, `terminated`, or `signal 42`. */
export function goSignalText(signal: number): string {
  return GO_SIGNAL_NAMES[signal] ?? `signal ${signal}`;
}

/**
 * Go's `ExitError.Error()` for a finished process: `exit status N` or `signal: killed`.
 * Undefined for a clean exit (Wait returns nil).
 */
export function goExitErrorText(code: number | null, signal: number | null): string | undefined {
  if (signal !== null) return `signal: ${goSignalText(signal)}`;
  if (code !== null && code !== 0) return `exit status ${code}`;
  return undefined;
}

/**
 * Go's error when exec.Command(name).Start() fails: a bare name is looked up in $PATH first
 * (`exec: "nope": executable file not found in $PATH`); a path fails in fork/exec
 * (`fork/exec /nope: no such file or directory`).
 */
export function goStartErrorText(name: string, message: string): string {
  if (!name.includes('/')) return `exec: "${name}": executable file not found in $PATH`;
  return `fork/exec ${name}: ${message.charAt(0).toLowerCase()}${message.slice(1)}`;
}
