/**
 * `ecs-diag regress --baseline A.json --current B.json [--tolerance-s 15]`: the CI gate after an
 * agent upgrade. Prints a Markdown diff; exit 1 on a regression, 0 otherwise, 2 on bad input.
 */
import { DiagError } from '../../errors.js';
import { EXIT } from '../../exit-codes.js';
import { readRunReport } from '../../report/read-run.js';
import { compareRuns, DEFAULT_TOLERANCE_S } from '../../report/regress.js';
import { renderRegressMarkdown } from '../../report/regress-markdown.js';
import { defineCommand } from '../command.js';
import { requireString } from '../options.js';

/** Validated options of `ecs-diag regress`. */
export interface RegressCommandOptions {
  readonly baseline: string;
  readonly current: string;
  readonly toleranceS: number;
  readonly strict: boolean;
}

/** Validates argv. The tolerance may be 0. */
export function parseRegressOptions(argv: Record<string, unknown>): RegressCommandOptions {
  const raw = argv['tolerance-s'] ?? DEFAULT_TOLERANCE_S;
  const toleranceS = typeof raw === 'number' ? raw : Number(raw);
  if (!Number.isFinite(toleranceS) || toleranceS < 0) {
    throw new DiagError('CLI_BAD_ARGUMENT', `--tolerance-s must be a number ≥ 0, not ${String(raw)}`);
  }
  return {
    baseline: requireString(argv['baseline'], '--baseline'),
    current: requireString(argv['current'], '--current'),
    toleranceS,
    strict: argv['strict'] === true,
  };
}

/** `ecs-diag regress`. */
export const regressCommand = defineCommand<Record<string, unknown>>({
  command: 'regress',
  describe:
    'Compare a run against a baseline (kill window, outcomes, agent versions); exit 1 on a regression',
  builder: (y) =>
    y
      .option('baseline', {
        type: 'string',
        describe: 'baseline report.json (or its run directory)',
        demandOption: true,
      })
      .option('current', {
        type: 'string',
        describe: 'current report.json (or its run directory)',
        demandOption: true,
      })
      .option('tolerance-s', {
        type: 'number',
        default: DEFAULT_TOLERANCE_S,
        describe: 'allowed shift of the kill window min/median/max, seconds',
      })
      .option('strict', {
        type: 'boolean',
        default: false,
        describe: 'fail on any behaviour change, improvements too (e.g. preferences now apply)',
      })
      .example(
        '$0 regress --baseline reports/baseline/report.json --current reports/run-x/report.json',
        'the CI gate',
      )
      .example(
        '$0 regress --baseline base.json --current new.json --tolerance-s 30 > diff.md',
        'looser window, diff to a file',
      ),
  async run(argv, ctx) {
    const opts = parseRegressOptions(argv);
    const [baseline, current] = await Promise.all([
      readRunReport(opts.baseline),
      readRunReport(opts.current),
    ]);
    const result = compareRuns(baseline, current, { toleranceS: opts.toleranceS, strict: opts.strict });
    if (ctx.global.json) ctx.io.json(result);
    else ctx.io.result(renderRegressMarkdown(result));
    return result.failed ? EXIT.FINDINGS : EXIT.OK;
  },
});
