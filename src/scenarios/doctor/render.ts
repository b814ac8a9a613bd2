/**
 * The human rendering of a {@link DoctorReport}: one block per task, one line per check
 * (status, id, container, detail), causes under red/yellow/unknown lines, a summary line.
 * Pure: colour comes in as a painter.
 */
import type { CheckResult, CheckStatus, DoctorReport } from './types.js';

/** Wraps text in an SGR colour (or returns it unchanged). */
export type Painter = (sgr: string, text: string) => string;

const LABEL: Readonly<Record<CheckStatus, { text: string; sgr: string }>> = {
  green: { text: 'OK     ', sgr: '32' },
  yellow: { text: 'WARN   ', sgr: '33' },
  red: { text: 'FAIL   ', sgr: '31' },
  unknown: { text: 'UNKNOWN', sgr: '90' },
};

/** Options of {@link renderDoctorReport}. */
export interface RenderOptions {
  readonly paint: Painter;
  /** Print causes under every non-green line. @default true */
  readonly causes?: boolean;
}

/** Renders the report as text lines. */
export function renderDoctorReport(report: DoctorReport, options: RenderOptions): string {
  const lines: string[] = [];
  const idWidth = Math.max(
    10,
    ...[...report.checks, ...report.targets.flatMap((t) => t.checks)].map((c) => c.id.length),
  );
  const line = (c: CheckResult) => {
    const label = LABEL[c.status];
    const where = c.container ? `[${c.container}] ` : '';
    lines.push(`  ${options.paint(label.sgr, label.text)} ${c.id.padEnd(idWidth)} ${where}${c.detail}`);
    if (options.causes !== false && c.status !== 'green') {
      for (const cause of c.causes ?? []) lines.push(`  ${' '.repeat(8 + idWidth)}  - ${cause}`);
    }
  };
  lines.push(`Client (region ${report.region})`);
  for (const c of report.checks) line(c);
  for (const t of report.targets) {
    lines.push('');
    lines.push(`Task ${t.taskArn ?? t.task} (cluster ${t.cluster})`);
    for (const c of t.checks) line(c);
  }
  const s = report.summary;
  lines.push('');
  lines.push(
    `${s.tasks} task(s): ${options.paint('32', `${s.green} ok`)}, ${options.paint('33', `${s.yellow} warn`)}, ` +
      `${options.paint('31', `${s.red} fail`)}, ${s.unknown} unknown (${report.durationMs} ms)`,
  );
  return lines.join('\n');
}
