/**
 * Small builders shared by the check groups: a result, an `unknown` from a failed read, and a
 * guard that turns anything a check throws into an `unknown` result so the other checks still run.
 */
import { classifyError } from '../../aws/classify.js';
import { causesOf } from './causes.js';
import type { CheckResult, CheckStatus, StatusCounts } from './types.js';

/** The static part of a check: id, title, provenance. */
export interface CheckDef {
  readonly id: string;
  readonly title: string;
  readonly ref: string;
}

/** Builds a result for `def`. */
export function result(
  def: CheckDef,
  status: CheckStatus,
  detail: string,
  extra: Omit<CheckResult, 'id' | 'title' | 'status' | 'detail' | 'ref'> = {},
): CheckResult {
  return { id: def.id, title: def.title, status, detail, ref: def.ref, ...extra };
}

/** An `unknown` result for a check whose read failed (AccessDenied on doctor's own call, ...). */
export function unknownFrom(def: CheckDef, what: string, err: unknown, container?: string): CheckResult {
  const c = classifyError(err);
  const why = c.category === 'access-denied' ? `not allowed to call ${what}` : `${what} failed`;
  return result(def, 'unknown', `${why}: ${c.name ?? 'Error'}: ${firstLine(c.message)}`, {
    category: c.category,
    ...(container === undefined ? {} : { container }),
    causes:
      c.category === 'access-denied'
        ? [`the caller lacks the read permission ${what}; grant it to run this check`]
        : causesOf(c.category),
    evidence: { error: c.name, httpStatus: c.httpStatus },
  });
}

/** Runs `fn`; a throw becomes one `unknown` result for `def`. */
export async function guard(
  def: CheckDef,
  fn: () => Promise<CheckResult | readonly CheckResult[]>,
): Promise<readonly CheckResult[]> {
  try {
    const r = await fn();
    return Array.isArray(r) ? r : [r as CheckResult];
  } catch (err) {
    return [unknownFrom(def, def.id, err)];
  }
}

/** Counts results per status. */
export function countStatuses(checks: readonly CheckResult[]): StatusCounts {
  const counts = { green: 0, yellow: 0, red: 0, unknown: 0 };
  for (const c of checks) counts[c.status]++;
  return counts;
}

/** The first line of a message, trimmed to 300 characters. */
export function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}
