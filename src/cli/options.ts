/**
 * Global options shared by every command, and the typed validation of them.
 */
import type { Argv } from 'yargs';
import { DiagError } from '../errors.js';

/** Where commands send their AWS calls. */
export type Target = 'local' | 'aws';

/** The validated global options. */
export interface GlobalOptions {
  /** @default 'local' (the embedded emulator) */
  readonly target: Target;
  readonly region: string | undefined;
  readonly profile: string | undefined;
  readonly endpointUrl: string | undefined;
  readonly json: boolean;
  readonly quiet: boolean;
  readonly debug: boolean;
  readonly color: boolean;
}

/** Adds the global options to a yargs instance. */
export function withGlobalOptions<T>(y: Argv<T>) {
  return y
    .option('target', {
      choices: ['local', 'aws'] as const,
      default: 'local' as const,
      describe: 'local: the embedded emulator; aws: real AWS through SDK v3',
      global: true,
    })
    .option('region', {
      type: 'string',
      describe: 'AWS region (default: from the profile/env, us-east-1 locally)',
      global: true,
    })
    .option('profile', { type: 'string', describe: 'AWS shared-config profile', global: true })
    .option('endpoint-url', {
      type: 'string',
      describe: 'send ECS/SSM calls to this endpoint (e.g. a running `ecs-diag emulator serve`)',
      global: true,
    })
    .option('json', {
      type: 'boolean',
      default: false,
      describe: 'machine-readable output on stdout',
      global: true,
    })
    .option('quiet', {
      alias: 'q',
      type: 'boolean',
      default: false,
      describe: 'only results and errors',
      global: true,
    })
    .option('debug', {
      type: 'boolean',
      default: false,
      describe: 'debug logs, stack traces on errors',
      global: true,
    })
    .option('color', {
      type: 'boolean',
      default: true,
      describe: 'colour output (--no-color to turn off; NO_COLOR is honoured)',
      global: true,
    });
}

/** Validates the global part of argv. */
export function parseGlobalOptions(argv: Record<string, unknown>, env: NodeJS.ProcessEnv): GlobalOptions {
  const target = argv['target'] ?? 'local';
  if (target !== 'local' && target !== 'aws') {
    throw new DiagError('CLI_BAD_ARGUMENT', `--target must be local or aws, not ${String(target)}`);
  }
  const endpointUrl = optionalString(argv['endpoint-url'] ?? argv['endpointUrl']);
  if (endpointUrl !== undefined && !/^https?:\/\/[^\s]+$/.test(endpointUrl)) {
    throw new DiagError('CLI_BAD_ARGUMENT', `--endpoint-url must be an http(s) URL, not ${endpointUrl}`);
  }
  return {
    target,
    region: optionalString(argv['region']),
    profile: optionalString(argv['profile']),
    endpointUrl,
    json: argv['json'] === true,
    quiet: argv['quiet'] === true,
    debug: argv['debug'] === true,
    color: argv['color'] !== false && env['NO_COLOR'] === undefined,
  };
}

/** A non-empty string option, or undefined. */
export function optionalString(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

/** A required non-empty string option. */
export function requireString(v: unknown, name: string): string {
  const s = optionalString(v);
  if (s === undefined) throw new DiagError('CLI_BAD_ARGUMENT', `${name} is required`);
  return s;
}

/** A positive finite number option (e.g. a duration in seconds). */
export function positiveNumber(v: unknown, name: string): number {
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isFinite(n) || n <= 0) {
    throw new DiagError('CLI_BAD_ARGUMENT', `${name} must be a number greater than 0, not ${String(v)}`);
  }
  return n;
}

/** Adds `--cluster`, `--task`, `--container` (where a command runs). */
export function withTaskTarget<T>(y: Argv<T>) {
  return y
    .option('cluster', { type: 'string', default: 'default', describe: 'ECS cluster name or ARN' })
    .option('task', {
      type: 'string',
      describe: 'task id or ARN (default: the cluster’s only running task)',
    })
    .option('container', {
      type: 'string',
      describe: 'container name (default: the first with a running exec agent)',
    });
}

/** The validated `--cluster/--task/--container`. */
export interface TaskTargetOptions {
  readonly cluster: string;
  readonly task: string | undefined;
  readonly container: string | undefined;
}

/** Validates the options of {@link withTaskTarget}. */
export function parseTaskTarget(argv: Record<string, unknown>): TaskTargetOptions {
  return {
    cluster: optionalString(argv['cluster']) ?? 'default',
    task: optionalString(argv['task']),
    container: optionalString(argv['container']),
  };
}
