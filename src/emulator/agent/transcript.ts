/**
 * A session's orchestration directory and transcript, inside the task:
 *
 *   /var/lib/amazon/ssm/<runtimeId>/session/orchestration/<sessionId>/InteractiveCommands/
 *     ipcTempFile.log     the raw pty bytes as they were sent (appended by the pump)
 *     <sessionId>.log     made after the session ends by util-linux `script` FROM THE TASK'S
 *                         IMAGE: `script <sessionId>.log -c "cat <ipcTempFile.log>"`, run in the
 *                         task (nsenter), so its header, footer and CR CR LF are the image's own;
 *                         an image without `script` (busybox) fails as the agent does.
 *
 * The `script` timestamps are rewritten to the emulator's logical time.
 * @see ssm-data-channel.md §4.4 (AGENT shell_unix.go generateLogData)
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatCtime, formatScriptIsoTime } from '../../logs/agent-log-format.js';
import { type HostTools, nsenterArgs } from '../sandbox/host-tools.js';

/** The orchestration directory of a session, inside the task. */
export function orchestrationDir(runtimeId: string, sessionId: string): string {
  return `/var/lib/amazon/ssm/${runtimeId}/session/orchestration/${sessionId}/InteractiveCommands`;
}

/** Creates a session's orchestration directory (host side); returns the paths inside the task. */
export function prepareOrchestration(
  rootDir: string,
  runtimeId: string,
  sessionId: string,
): { readonly dir: string; readonly ipcFile: string; readonly transcript: string } {
  const dir = orchestrationDir(runtimeId, sessionId);
  mkdirSync(join(rootDir, dir), { recursive: true });
  const ipcFile = `${dir}/ipcTempFile.log`;
  writeFileSync(join(rootDir, ipcFile), '');
  return { dir, ipcFile, transcript: `${dir}/${sessionId}.log` };
}

/** Options of {@link generateTranscript}. */
export interface TranscriptOptions {
  readonly tools: HostTools;
  readonly initPid: number;
  readonly rootDir: string;
  /** PATH inside the task. */
  readonly path: string;
  readonly ipcFile: string;
  readonly transcript: string;
  /** Logical times of the session's start and end, for the header and footer. */
  readonly start: Date;
  readonly end: Date;
  /** @default 60 minutes, as the agent */
  readonly timeoutMs?: number;
}

/**
 * Runs `script` in the task to make the transcript.
 * @returns undefined on success, else the agent's error text (after `unable to generate log data: `)
 */
export async function generateTranscript(opts: TranscriptOptions): Promise<string | undefined> {
  if (!lookPath(opts.initPid, opts.path, 'script')) {
    const notFound = 'exec: "script": executable file not found in $PATH';
    return `Failed to generate transcript with the following errors:\n${notFound}: \n${notFound}:`;
  }
  const first = await runInTask(opts, ['script', opts.transcript, '-c', `cat ${opts.ipcFile}`]);
  if (first.error !== undefined) {
    const second = await runInTask(opts, ['script', opts.transcript, 'cat', opts.ipcFile]);
    if (second.error !== undefined) {
      return `Failed to generate transcript with the following errors:\n${first.error}: ${first.stderr}\n${second.error}:${second.stderr}`;
    }
  }
  rewriteTimes(join(opts.rootDir, opts.transcript), opts.start, opts.end);
  return undefined;
}

/**
 * exec.LookPath inside the task. The image is mounted in the task's mount namespace only, so
 * the lookup goes through /proc/<init>/root (the task's root as its PID 1 sees it).
 */
function lookPath(initPid: number, path: string, name: string): boolean {
  return path
    .split(':')
    .some((dir) => dir.startsWith('/') && existsSync(join(`/proc/${initPid}/root`, dir, name)));
}

function runInTask(opts: TranscriptOptions, argv: string[]): Promise<{ error?: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      opts.tools.nsenter,
      [...nsenterArgs(opts.tools, opts.initPid), 'env', '-i', `PATH=${opts.path}`, 'LANG=C.UTF-8', ...argv],
      { timeout: opts.timeoutMs ?? 60 * 60_000, cwd: '/' },
      (err, _stdout, stderr) => {
        if (!err) resolve({ stderr });
        else if (typeof err.code === 'number') resolve({ error: `exit status ${err.code}`, stderr });
        else resolve({ error: err.signal ? 'signal: killed' : err.message, stderr });
      },
    );
  });
}

/** Replaces `script`'s real-time header/footer timestamps with the logical ones. */
function rewriteTimes(file: string, start: Date, end: Date): void {
  let text: string;
  try {
    text = readFileSync(file, 'latin1');
  } catch {
    return;
  }
  const stamp = (original: string, date: Date) =>
    /^\d{4}-\d{2}-\d{2} /.test(original) ? formatScriptIsoTime(date) : formatCtime(date);
  text = text
    .replace(
      /^(Script started on )(.*?)( \[|$)/m,
      (_m, a: string, t: string, b: string) => `${a}${stamp(t, start)}${b}`,
    )
    .replace(
      /^(Script done on )(.*?)( \[|$)/m,
      (_m, a: string, t: string, b: string) => `${a}${stamp(t, end)}${b}`,
    );
  writeFileSync(file, text, 'latin1');
}
