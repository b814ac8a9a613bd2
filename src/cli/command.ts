/**
 * What a command is: a yargs builder plus a `run` that returns an exit code.
 * Only `src/cli/main.ts` catches errors; commands throw DiagError for bad input.
 */
import type { Argv } from 'yargs';
import type { Deps } from '../deps.js';
import type { Io } from './io.js';
import type { GlobalOptions } from './options.js';

/** Everything a command's `run` gets besides its own arguments. */
export interface CliContext {
  readonly io: Io;
  readonly deps: Deps;
  /** Aborted on Ctrl-C: stop new work, end running work cleanly, write what is known. */
  readonly signal: AbortSignal;
  readonly global: GlobalOptions;
  /** Registers cleanup that must run before the process exits (also after Ctrl-C). */
  onCleanup(fn: () => Promise<void> | void): void;
}

/** One CLI command. `A` is the raw yargs argv shape after `builder`. */
export interface DiagCommand<A = Record<string, unknown>> {
  readonly command: string | readonly string[];
  readonly describe: string;
  // biome-ignore lint/suspicious/noExplicitAny: yargs builder types are generic over the whole argv
  builder(yargs: Argv<any>): Argv<any>;
  /** Validates `argv` into a typed options object, does the work, returns the exit code. */
  run(argv: A, ctx: CliContext): Promise<number>;
}

/** Identity helper that keeps the argv type when declaring a command. */
export function defineCommand<A>(cmd: DiagCommand<A>): DiagCommand<A> {
  return cmd;
}
