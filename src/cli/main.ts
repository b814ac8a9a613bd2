/**
 * The composition root and the one error boundary.
 *
 * Builds Deps and the Io once, parses argv with yargs, runs one command, and maps whatever
 * happens to a documented exit code (src/exit-codes.ts).
 */
import yargs from 'yargs';
import { type Deps, systemDeps } from '../deps.js';
import { DiagError, isDiagError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import type { CliContext, DiagCommand } from './command.js';
import { COMMANDS, commandName } from './commands/index.js';
import { Io, type TextOut } from './io.js';
import { parseGlobalOptions, withGlobalOptions } from './options.js';

/** What `main` needs from the process; tests pass buffers. */
export interface MainEnv {
  readonly stdout: TextOut;
  readonly stderr: TextOut;
  readonly env: NodeJS.ProcessEnv;
  /** @default systemDeps */
  readonly deps?: Deps;
  /** Aborted on Ctrl-C. @default a signal that is never aborted */
  readonly signal?: AbortSignal;
}

const EPILOGUE = [
  'Exit codes: 0 ok, 1 findings/regression, 2 bad input, 3 AWS/environment, 4 internal bug,',
  '130 interrupted; exec/job wait pass the remote status through (255 session lost, 254 job gone, 124 timed out).',
  'Docs: README.md',
].join('\n');

/** Runs the CLI on `args` and resolves to the exit code. Never throws. */
export async function main(args: readonly string[], env: MainEnv): Promise<number> {
  const debugRequested = args.includes('--debug');
  const cleanups: Array<() => Promise<void> | void> = [];
  let exitCode: number = EXIT.OK;
  let usageError: string | undefined;
  let io = new Io({ json: false, quiet: false, debug: debugRequested, color: false }, env.stdout, env.stderr);

  try {
    const parser = withGlobalOptions(yargs([...args]))
      .scriptName('ecs-diag')
      .usage(
        '$0 <command> [options]\n\nInvestigate why ECS Exec kills long-running commands, and prove which workarounds hold.',
      )
      .strict()
      .demandCommand(1, 'Name a command (see --help).')
      .recommendCommands()
      .completion(
        'completion',
        'Print a bash/zsh completion script (add `eval "$(ecs-diag completion)"` to your shell rc)',
      )
      .epilogue(EPILOGUE)
      .wrap(Math.min(110, process.stdout.columns ?? 100))
      .exitProcess(false)
      .fail((msg, err) => {
        if (err) throw err;
        usageError = msg;
      })
      .help()
      .alias('help', 'h')
      .version();

    // Load only the commands named in args (the one being run, or asked for help); the others
    // are listed by name and description.
    for (const entry of COMMANDS) {
      if (!args.includes(commandName(entry))) {
        parser.command(entry.command, entry.describe);
        continue;
      }
      const cmd = (await entry.load()) as DiagCommand<Record<string, unknown>>;
      parser.command({
        command: cmd.command as string | string[],
        describe: cmd.describe,
        builder: (y) => cmd.builder(y),
        handler: async (argv: Record<string, unknown>) => {
          const global = parseGlobalOptions(argv, env.env);
          io = new Io(
            {
              json: global.json,
              quiet: global.quiet,
              debug: global.debug,
              color: global.color && Boolean(env.stderr.isTTY),
            },
            env.stdout,
            env.stderr,
          );
          const deps = env.deps ?? systemDeps(io);
          const ctx: CliContext = {
            io,
            deps: { ...deps, log: io },
            signal: env.signal ?? new AbortController().signal,
            global,
            onCleanup: (fn) => cleanups.push(fn),
          };
          exitCode = await cmd.run(argv, ctx);
        },
      });
    }

    let helpOrVersion = false;
    await parser.parseAsync(args, {}, (err, _argv, output) => {
      if (output && !err) {
        env.stdout.write(`${output}\n`);
        helpOrVersion = true;
      }
    });
    if (usageError !== undefined) {
      io.error(`${usageError} (see ecs-diag --help)`);
      exitCode = EXIT.USAGE;
    } else if (helpOrVersion) {
      exitCode = EXIT.OK;
    }
  } catch (err) {
    exitCode = reportError(err, io, debugRequested);
  } finally {
    for (const fn of cleanups.reverse()) {
      try {
        await fn();
      } catch (err) {
        io.warn(`cleanup failed: ${(err as Error).message}`);
      }
    }
  }
  return exitCode;
}

/** Prints an error in one line (plus a hint) and returns its exit code. */
export function reportError(err: unknown, io: Io, debug: boolean): number {
  if (isDiagError(err)) {
    io.error(`${err.message} [${err.code}]`);
    if (err.hint) io.info(`  hint: ${err.hint}`);
    if (debug && err.stack) io.stderr.write(`${err.stack}\n`);
    if (err.source === 'tool')
      io.info('  this is a bug in ecs-diag, please report it with the output of --debug');
    if (err.exitCode !== undefined) return err.exitCode;
    if (err.code === 'CLI_INTERRUPTED') return EXIT.INTERRUPTED;
    return err.source === 'user'
      ? EXIT.USAGE
      : err.source === 'environment'
        ? EXIT.ENVIRONMENT
        : EXIT.INTERNAL;
  }
  // An AWS SDK error that escaped the adapters: environment, with its service name.
  const e = err as { name?: string; message?: string; $metadata?: unknown; stack?: string };
  if (e && typeof e === 'object' && e.$metadata !== undefined) {
    io.error(`AWS ${e.name ?? 'Error'}: ${e.message ?? ''} [AWS_SERVICE_ERROR]`);
    if (debug && e.stack) io.stderr.write(`${e.stack}\n`);
    return EXIT.ENVIRONMENT;
  }
  const wrapped = new DiagError('INTERNAL', `unexpected error: ${e?.message ?? String(err)}`, { cause: err });
  io.error(`${wrapped.message} [INTERNAL]`);
  io.info('  this is a bug in ecs-diag, please report it with the output of --debug');
  if (debug && e?.stack) io.stderr.write(`${e.stack}\n`);
  return EXIT.INTERNAL;
}
