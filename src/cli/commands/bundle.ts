/**
 * `ecs-diag bundle DIR… -o FILE.tar.gz [--redact-account]` and `ecs-diag bundle verify FILE`.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DiagError } from '../../errors.js';
import { EXIT } from '../../exit-codes.js';
import { createBundle } from '../../report/bundle.js';
import { verifyBundle } from '../../report/bundle-verify.js';
import { defineCommand } from '../command.js';
import { optionalString } from '../options.js';

/** Validated options of `ecs-diag bundle`. */
export type BundleCommandOptions =
  | {
      readonly mode: 'create';
      readonly inputs: readonly string[];
      readonly output: string;
      readonly redactAccount: boolean;
    }
  | { readonly mode: 'verify'; readonly file: string };

/** Validates argv. `bundle verify FILE` verifies; a directory named `verify` is bundled as `./verify`. */
export function parseBundleOptions(argv: Record<string, unknown>): BundleCommandOptions {
  const paths = (Array.isArray(argv['paths']) ? argv['paths'] : []).map(String);
  if (paths[0] === 'verify') {
    if (paths.length !== 2)
      throw new DiagError('CLI_BAD_ARGUMENT', 'usage: ecs-diag bundle verify FILE.tar.gz');
    return { mode: 'verify', file: paths[1]! };
  }
  if (paths.length === 0) throw new DiagError('CLI_BAD_ARGUMENT', 'name at least one directory to bundle');
  const output = optionalString(argv['output']);
  if (output === undefined) throw new DiagError('CLI_BAD_ARGUMENT', '-o FILE.tar.gz is required');
  return { mode: 'create', inputs: paths, output, redactAccount: argv['redact-account'] === true };
}

/** This package's version, from the nearest package.json named ecs-diag. */
function toolVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'ecs-diag') return pkg.version ?? 'unknown';
    } catch {
      // not here: look one level up
    }
    dir = dirname(dir);
  }
  return 'unknown';
}

/** `ecs-diag bundle`. */
export const bundleCommand = defineCommand<Record<string, unknown>>({
  command: 'bundle <paths..>',
  describe:
    'Pack run and collect-logs directories into a redacted, checksummed .tar.gz for AWS Support (or `bundle verify FILE`)',
  builder: (y) =>
    y
      .positional('paths', {
        type: 'string',
        array: true,
        describe: 'directories (or files) to pack; or `verify FILE`',
      })
      .option('output', { alias: 'o', type: 'string', describe: 'the archive to write (.tar.gz), mode 0600' })
      .option('redact-account', {
        type: 'boolean',
        default: false,
        describe: 'also replace AWS account ids and ARNs',
      })
      .example(
        '$0 bundle reports/run-20261129T1700Z collected/task-abc -o case-123.tar.gz',
        'a run and a collection',
      )
      .example(
        '$0 bundle reports/run-20261129T1700Z -o case.tar.gz --redact-account',
        'hide account ids and ARNs too',
      )
      .example('$0 bundle verify case-123.tar.gz', 're-check every file against the manifest'),
  async run(argv, ctx) {
    const opts = parseBundleOptions(argv);
    if (opts.mode === 'verify') {
      const v = await verifyBundle(opts.file);
      if (ctx.global.json) ctx.io.json(v);
      else {
        for (const p of v.problems)
          ctx.io.result(`${p.problem}: ${p.path}${p.detail ? ` (${p.detail})` : ''}`);
        ctx.io.result(
          v.ok
            ? `ok: ${v.checked} files match the manifest of ${v.root}`
            : `FAILED: ${v.problems.length} problem(s) in ${v.root}`,
        );
      }
      return v.ok ? EXIT.OK : EXIT.FINDINGS;
    }
    let seen = 0;
    const result = await createBundle({
      inputs: opts.inputs,
      outFile: opts.output,
      redactAccount: opts.redactAccount,
      createdAt: new Date(ctx.deps.clock.now()).toISOString(),
      toolVersion: toolVersion(),
      signal: ctx.signal,
      onFile: () => {
        seen++;
        if (seen % 500 === 0) ctx.io.info(`${seen} files read…`);
      },
    });
    if (ctx.global.json) {
      ctx.io.json({
        outFile: result.outFile,
        root: result.root,
        files: result.files,
        bytes: result.bytes,
        redaction: result.redaction,
      });
      return EXIT.OK;
    }
    const r = result.redaction;
    const rules = Object.entries(r.byRule)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ');
    ctx.io.result(`wrote ${result.outFile} (${result.files} files, mode 0600)`);
    ctx.io.result(
      `redacted ${r.total} secret(s)${rules ? `: ${rules}` : ''}; account ids and ARNs ${r.account ? 'redacted' : 'kept'}`,
    );
    for (const e of r.excluded) ctx.io.warn(`left out ${e.path}: ${e.reason}`);
    return EXIT.OK;
  },
});
