/**
 * `ecs-diag report RUN_DIR --format table|md|html|json [-o FILE]`: renders a run directory.
 */
import { rename, writeFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { DiagError } from '../../errors.js';
import { EXIT } from '../../exit-codes.js';
import { isReportFormat, REPORT_FORMATS, REPORTERS, type ReportFormat } from '../../report/index.js';
import { readRunDir } from '../../report/read-run.js';
import { redactRunReport } from '../../report/redact-run.js';
import { defineCommand } from '../command.js';
import { optionalString, requireString } from '../options.js';

/** Validated options of `ecs-diag report`. */
export interface ReportCommandOptions {
  readonly runDir: string;
  readonly format: ReportFormat;
  readonly output: string | undefined;
  readonly timeZone: string;
  /** Replace account ids and ARNs (and any secret) before rendering. */
  readonly redactAccount: boolean;
}

const EXT_FORMATS: Readonly<Record<string, ReportFormat>> = {
  '.html': 'html',
  '.htm': 'html',
  '.md': 'md',
  '.json': 'json',
  '.txt': 'table',
};

/** Validates argv: the format defaults to the output file's extension, then to json with --json, then table. */
export function parseReportOptions(
  argv: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
): ReportCommandOptions {
  const runDir = requireString(argv['run-dir'] ?? argv['runDir'], 'RUN_DIR');
  const output = optionalString(argv['output']);
  const given = optionalString(argv['format']);
  const format =
    given ??
    (output ? EXT_FORMATS[extname(output).toLowerCase()] : undefined) ??
    (argv['json'] === true ? 'json' : 'table');
  if (!isReportFormat(format)) {
    throw new DiagError(
      'CLI_BAD_ARGUMENT',
      `--format must be one of ${REPORT_FORMATS.join(', ')}, not ${format}`,
    );
  }
  const timeZone =
    optionalString(argv['time-zone']) ??
    optionalString(env['TZ']) ??
    Intl.DateTimeFormat().resolvedOptions().timeZone;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    throw new DiagError('CLI_BAD_ARGUMENT', `--time-zone: unknown time zone ${timeZone}`, {
      hint: 'e.g. Europe/Paris, UTC',
    });
  }
  return { runDir, format, output, timeZone, redactAccount: argv['redact-account'] === true };
}

/** `ecs-diag report`. */
export const reportCommand = defineCommand<Record<string, unknown>>({
  command: 'report <run-dir>',
  describe:
    'Render a run directory as a table, Markdown, a self-contained HTML page with a timeline, or JSON',
  builder: (y) =>
    y
      .positional('run-dir', {
        type: 'string',
        describe: 'a directory written by `ecs-diag run` (holds report.json)',
      })
      .option('format', {
        alias: 'f',
        choices: REPORT_FORMATS,
        describe: 'output format (default: from the -o extension, else table; json with --json)',
      })
      .option('output', { alias: 'o', type: 'string', describe: 'write to this file instead of stdout' })
      .option('time-zone', {
        type: 'string',
        describe: 'IANA zone for times (default: $TZ or the system zone); UTC is shown too',
      })
      .option('redact-account', {
        type: 'boolean',
        default: false,
        describe:
          'replace AWS account ids and ARNs (and any secret) before rendering, e.g. for a public issue',
      })
      .example('$0 report reports/run-20261129T1700Z', 'the outcome table in the terminal')
      .example(
        '$0 report reports/run-20261129T1700Z --format md > case.md',
        'Markdown for a support case or GitHub issue',
      )
      .example(
        '$0 report reports/run-20261129T1700Z -o report.html',
        'one self-contained HTML file with the timeline',
      ),
  async run(argv, ctx) {
    const opts = parseReportOptions(argv, process.env);
    const run = await readRunDir(opts.runDir);
    for (const w of run.warnings) ctx.io.warn(w);
    const report = opts.redactAccount ? redactRunReport(run.report, { account: true }).report : run.report;
    const text = REPORTERS[opts.format].render(report, { timeZone: opts.timeZone });
    if (opts.output === undefined) {
      ctx.io.stdout.write(text);
      return EXIT.OK;
    }
    const target = resolve(opts.output);
    const partial = `${target}.partial-${process.pid}`;
    await writeFile(partial, text);
    await rename(partial, target);
    ctx.io.info(`wrote ${opts.format} report to ${opts.output}`);
    return EXIT.OK;
  },
});
