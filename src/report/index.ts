/**
 * The reporters, keyed by their `--format` value.
 */
import { htmlReporter } from './html.js';
import { jsonReporter } from './json.js';
import { markdownReporter } from './markdown.js';
import type { Reporter } from './reporter.js';
import { tableReporter } from './table.js';

/** Every report format, keyed by the `--format` value. */
export const REPORTERS = {
  table: tableReporter,
  md: markdownReporter,
  html: htmlReporter,
  json: jsonReporter,
} as const satisfies Record<string, Reporter>;

/** A `--format` value. */
export type ReportFormat = keyof typeof REPORTERS;

/** The `--format` values, in the order help lists them. */
export const REPORT_FORMATS = Object.keys(REPORTERS) as ReportFormat[];

/** True when `s` names a reporter. */
export function isReportFormat(s: string): s is ReportFormat {
  return Object.hasOwn(REPORTERS, s);
}
