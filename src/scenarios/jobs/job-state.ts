/**
 * Reading a job's state from what the status script printed.
 */

/** A job's state. Times are the container's epoch seconds. */
export type JobState =
  | { readonly kind: 'running'; readonly start?: number; readonly pid: number; readonly now?: number }
  | { readonly kind: 'exited'; readonly exitStatus: number; readonly start?: number; readonly end: number }
  | {
      readonly kind: 'gone';
      readonly start?: number;
      /** Why: killed by `job kill` (with the signal), or vanished (killed otherwise, or the task stopped). */
      readonly reason: 'killed' | 'vanished' | 'task-stopped';
      readonly signal?: string;
      readonly end?: number;
    }
  | { readonly kind: 'unknown-job' };

/** Byte counts of the job's output files. */
export interface JobSizes {
  readonly stdout: number;
  readonly stderr: number;
}

/** Parses `KEY value` lines of one job's status. */
export function parseJobState(text: string): { state: JobState; sizes: JobSizes; now?: number } {
  const kv = new Map<string, string>();
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (t === 'NOJOB') return { state: { kind: 'unknown-job' }, sizes: { stdout: 0, stderr: 0 } };
    const sp = t.indexOf(' ');
    if (sp > 0) kv.set(t.slice(0, sp), t.slice(sp + 1).trim());
  }
  const num = (v: string | undefined) => (v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined);
  const start = num(kv.get('START'));
  const now = num(kv.get('NOW'));
  const [out, err] = (kv.get('SIZES') ?? '0 0').split(/\s+/);
  const sizes = { stdout: num(out) ?? 0, stderr: num(err) ?? 0 };
  const base = { ...(start !== undefined ? { start } : {}) };
  const exit = kv.get('EXIT')?.split(/\s+/);
  if (exit && num(exit[0]) !== undefined) {
    return {
      state: { kind: 'exited', exitStatus: num(exit[0]) as number, end: num(exit[1]) ?? 0, ...base },
      sizes,
      now,
    };
  }
  const alive = num(kv.get('ALIVE'));
  if (alive !== undefined) return { state: { kind: 'running', pid: alive, ...base, now }, sizes, now };
  const killed = kv.get('KILLED')?.split(/\s+/);
  if (killed?.[0]) {
    const end = num(killed[1]);
    return {
      state: {
        kind: 'gone',
        reason: 'killed',
        signal: killed[0],
        ...base,
        ...(end !== undefined ? { end } : {}),
      },
      sizes,
      now,
    };
  }
  return { state: { kind: 'gone', reason: 'vanished', ...base }, sizes, now };
}

/** Splits list output into per-job status texts. */
export function splitJobList(text: string): Array<{ jobId: string; text: string; command: string }> {
  const jobs: Array<{ jobId: string; lines: string[]; command: string }> = [];
  let now = '';
  for (const line of text.split('\n')) {
    if (line.startsWith('JOB ')) jobs.push({ jobId: line.slice(4).trim(), lines: [], command: '' });
    else if (line.startsWith('NOW ')) now = line;
    else if (line.startsWith('COMMAND ') && jobs.length > 0)
      (jobs.at(-1) as { command: string }).command = line.slice(8);
    else if (jobs.length > 0) jobs.at(-1)?.lines.push(line);
  }
  return jobs.map((j) => ({ jobId: j.jobId, text: [...j.lines, now].join('\n'), command: j.command.trim() }));
}
