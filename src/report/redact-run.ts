/**
 * Redaction applied to a run before a reporter sees it (`ecs-diag report --redact-account`), so
 * a Markdown or HTML report can be pasted into a public issue.
 */
import type { RunReport } from '../scenarios/result.js';
import { type RedactResult, redact } from './redact.js';
import { validateRunReport } from './validate-run.js';

/** The run with secrets (and, with `account`, account ids and ARNs) replaced, and what was replaced. */
export function redactRunReport(
  report: RunReport,
  options: { readonly account: boolean },
): { report: RunReport; redaction: Omit<RedactResult, 'text'> } {
  const { text, ...redaction } = redact(JSON.stringify(report, null, 1), options);
  const v = validateRunReport(JSON.parse(text));
  // Markers replace string content only, so the schema holds; anything else is a bug here.
  if (!v.ok) throw new Error(`redaction broke the run schema: ${v.problems.join('; ')}`);
  return { report: v.value, redaction };
}
