/**
 * The Markdown diff `ecs-diag regress` prints: verdict, kill window side by side with the shift,
 * then regressions, other behaviour changes and notes as tables.
 */
import { mdTable } from './markdown-util.js';
import { type RegressResult, type RegressSeverity, STATS } from './regress.js';

/** Renders a comparison as Markdown (for a CI log, a PR comment or a support case). */
export function renderRegressMarkdown(r: RegressResult): string {
  const verdict = r.failed ? 'REGRESSION' : 'no regression';
  const fmt = (n: number | null) => (n === null ? '–' : String(n));
  const signed = (n: number | null) => (n === null ? '–' : `${n > 0 ? '+' : ''}${n}`);
  const out = [
    `# ecs-diag regress: ${verdict}`,
    '',
    `- Baseline: \`${r.baseline.runId}\`: ${r.baseline.target}`,
    `- Current: \`${r.current.runId}\`: ${r.current.target}${r.current.partial ? ' **(partial)**' : ''}`,
    `- Tolerance: ±${r.toleranceS} s on the kill window${r.strict ? '; strict: any behaviour change fails' : ''}`,
    '',
    '## Kill window (seconds)',
    '',
    mdTable(
      ['', 'n', 'min', 'median', 'max'],
      [
        ['baseline', String(r.baseline.killWindow.n), ...STATS.map((k) => fmt(r.baseline.killWindow[k]))],
        ['current', String(r.current.killWindow.n), ...STATS.map((k) => fmt(r.current.killWindow[k]))],
        ['shift', '', ...STATS.map((k) => signed(r.killWindowShift[k]))],
      ],
    ),
    '',
  ];
  const section = (title: string, sev: RegressSeverity) => {
    const items = r.changes.filter((c) => c.severity === sev);
    out.push(`## ${title} (${items.length})`, '');
    if (items.length === 0) {
      out.push('None.', '');
      return;
    }
    out.push(
      mdTable(
        ['what', 'variant', 'duration', 'baseline', 'current'],
        items.map((c) => [
          c.summary,
          c.variant ?? '',
          c.durationS === undefined ? '' : `${c.durationS} s`,
          c.before,
          c.after,
        ]),
      ),
      '',
    );
  };
  section('Regressions', 'regression');
  section(r.strict ? 'Changes (fail in strict mode)' : 'Other behaviour changes', 'change');
  section('Notes', 'note');
  if (r.failed) {
    out.push(
      'If the new behaviour is expected (e.g. after an intended agent upgrade), regenerate the baseline',
      'and commit it with the upgrade.',
      '',
    );
  }
  return out.join('\n');
}
