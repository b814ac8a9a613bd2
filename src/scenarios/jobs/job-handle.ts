/**
 * A job handle carries everything needed to reach a job from any terminal or machine:
 * `ecsjob://<cluster>/<task-id>/<container>/<job-id>`. No local index is needed.
 */
import { DiagError } from '../../errors.js';

/** Where a job lives. */
export interface JobHandle {
  readonly cluster: string;
  readonly task: string;
  readonly container: string;
  readonly jobId: string;
}

const JOB_ID = /^j[0-9a-z-]{4,64}$/;
const SEGMENT = /^[A-Za-z0-9_.:-]+$/;

/** Formats a handle. */
export function formatJobHandle(h: JobHandle): string {
  return `ecsjob://${h.cluster}/${h.task}/${h.container}/${h.jobId}`;
}

/** Parses a handle; throws JOB_BAD_HANDLE (exit 2) when it is not one. */
export function parseJobHandle(text: string): JobHandle {
  const m = /^ecsjob:\/\/([^/]+)\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(text.trim());
  if (!m) {
    throw new DiagError('JOB_BAD_HANDLE', `not a job handle: ${text}`, {
      hint: 'a handle looks like ecsjob://<cluster>/<task-id>/<container>/<job-id>, as `exec --detach` printed it',
    });
  }
  const [, cluster, task, container, jobId] = m as unknown as [string, string, string, string, string];
  for (const [name, v] of [
    ['cluster', cluster],
    ['task', task],
    ['container', container],
  ] as const) {
    if (!SEGMENT.test(v)) throw new DiagError('JOB_BAD_HANDLE', `bad ${name} in job handle: ${v}`);
  }
  if (!JOB_ID.test(jobId)) throw new DiagError('JOB_BAD_HANDLE', `bad job id in job handle: ${jobId}`);
  return { cluster, task, container, jobId };
}

/** A new job id from the clock and a random id: `j20261129t174501-3f9a1c`. */
export function newJobId(nowMs: number, uuid: string): string {
  const stamp = new Date(nowMs)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, '')
    .toLowerCase();
  return `j${stamp}-${uuid.replace(/-/g, '').slice(0, 6)}`;
}
