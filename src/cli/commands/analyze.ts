/**
 * `ecs-diag analyze <path…>`: reads SSM agent logs and transcripts and reports each session's
 * start, end, duration and how it ended, with the evidence lines.
 *
 * Exit codes: 0 analyzed (kills found or not); 1 with `--fail-on-kill` when a session was
 * cancelled by the service; 2 missing/unreadable path or nothing to analyze; 130 interrupted.
 */
import { DiagError } from '../../errors.js';
import { EXIT } from '../../exit-codes.js';
import { analyzeLogs } from '../../logs/analyze.js';
import type { AnalyzeResult } from '../../logs/analyze-result.js';
import { renderAnalyzeTable } from '../../logs/analyze-table.js';
import { defineCommand } from '../command.js';

/** Validated options of `ecs-diag analyze`. */
export interface AnalyzeCommandOptions {
  readonly paths: readonly string[];
  /** Exit 1 when a session was cancelled by the service. */
  readonly failOnKill: boolean;
  /** Evidence for every session, also those whose end is unknown. */
  readonly allEvidence: boolean;
  readonly maxLineBytes: number;
}

/** Validates argv. */
export function parseAnalyzeOptions(argv: Record<string, unknown>): AnalyzeCommandOptions {
  const raw = argv['paths'];
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  const paths = list.map((p) => String(p)).filter((p) => p.length > 0);
  if (paths.length === 0) {
    throw new DiagError('CLI_BAD_ARGUMENT', 'name at least one log file or directory');
  }
  const maxLineBytes = Number(argv['max-line-bytes'] ?? 65_536);
  if (!Number.isInteger(maxLineBytes) || maxLineBytes < 256) {
    throw new DiagError('CLI_BAD_ARGUMENT', '--max-line-bytes must be an integer of at least 256');
  }
  return {
    paths,
    failOnKill: argv['fail-on-kill'] === true,
    allEvidence: argv['all-evidence'] === true,
    maxLineBytes,
  };
}

/** The exit code for a result. */
export function analyzeExitCode(result: AnalyzeResult, options: AnalyzeCommandOptions): number {
  if (result.input.interrupted) return EXIT.INTERRUPTED;
  return options.failOnKill && result.summary.kills > 0 ? EXIT.FINDINGS : EXIT.OK;
}

/** `ecs-diag analyze`. */
export const analyzeCommand = defineCommand<Record<string, unknown>>({
  command: 'analyze <paths..>',
  describe:
    'Find each ECS Exec session in SSM agent logs and transcripts: start, end, duration, why it ended',
  builder: (y) =>
    y
      .positional('paths', {
        type: 'string',
        array: true,
        describe:
          'files or directories (recursive): amazon-ssm-agent.log[.1][.gz], errors.log, orchestration transcripts, nohup.out, collect-logs output',
      })
      .option('fail-on-kill', {
        type: 'boolean',
        default: false,
        describe: 'exit 1 when a session was cancelled by the service (the ~20-min kill)',
      })
      .option('all-evidence', {
        type: 'boolean',
        default: false,
        describe: 'list evidence lines for every session, not only those with a known end',
      })
      .option('max-line-bytes', {
        type: 'number',
        default: 65_536,
        describe: 'longer lines are cut to this many bytes (and counted as over-long)',
      })
      .example(
        '$0 analyze /var/log/amazon/ssm',
        'every log under the directory, rolled and .gz files included',
      )
      .example('$0 analyze amazon-ssm-agent.log errors.log --json', 'the versioned JSON document on stdout')
      .example('$0 analyze ./collected --fail-on-kill', 'exit 1 when a session was killed by the service')
      .example('$0 analyze ../shared/fixtures/field-logs', 'the field excerpts: finds the killed session'),
  run: async (argv, ctx) => {
    const options = parseAnalyzeOptions(argv);
    const result = await analyzeLogs({
      paths: options.paths,
      signal: ctx.signal,
      log: ctx.deps.log,
      maxLineBytes: options.maxLineBytes,
      now: () => ctx.deps.clock.now(),
    });
    if (ctx.global.json) ctx.io.json(result);
    else ctx.io.result(renderAnalyzeTable(result, { allEvidence: options.allEvidence }));
    if (result.input.recognizedLines === 0) {
      ctx.io.warn('no SSM agent log lines recognized: is this the right path?');
    }
    if (result.input.interrupted) ctx.io.warn('interrupted: the result covers only what was read');
    return analyzeExitCode(result, options);
  },
});
