/**
 * The command registry. Only commands that work are listed here.
 *
 * Commands load lazily: `ecs-diag analyze` must not pay for the AWS SDK clients that `doctor`
 * imports (start-up time and memory). `command` and `describe` are repeated here for the
 * top-level help; test/unit/cli/registry.test.ts checks they match the modules.
 */
import type { DiagCommand } from '../command.js';

/** One registered command: what the top-level help shows, and how to load the real thing. */
export interface CommandEntry {
  readonly command: string;
  readonly describe: string;
  // biome-ignore lint/suspicious/noExplicitAny: each command has its own argv type
  load(): Promise<DiagCommand<any>>;
}

/** The first word of a command string: `analyze <paths..>` → `analyze`. */
export const commandName = (entry: Pick<CommandEntry, 'command'>): string =>
  entry.command.split(' ')[0] ?? '';

export const COMMANDS: readonly CommandEntry[] = [
  {
    command: 'run <matrix>',
    describe:
      'Run a scenario matrix (timeout-matrix): how long ECS Exec commands survive, which workarounds hold',
    load: async () => (await import('./run.js')).runCommand,
  },
  {
    command: 'analyze <paths..>',
    describe:
      'Find each ECS Exec session in SSM agent logs and transcripts: start, end, duration, why it ended',
    load: async () => (await import('./analyze.js')).analyzeCommand,
  },
  {
    command: 'collect-logs',
    describe: 'Pull agent logs, transcripts, nohup.out and agent config out of a container, checksummed',
    load: async () => (await import('./collect-logs.js')).collectLogsCommand,
  },
  {
    command: 'exec [command..]',
    describe: 'Run a command in a container via ECS Exec: exact stdout and the real exit code',
    load: async () => (await import('./exec.js')).execCommand,
  },
  {
    command: 'job <action> [job]',
    describe: 'Follow a job started with `exec --detach`: status, logs, wait, kill, list',
    load: async () => (await import('./job.js')).jobCommand,
  },
  {
    command: 'report <run-dir>',
    describe:
      'Render a run directory as a table, Markdown, a self-contained HTML page with a timeline, or JSON',
    load: async () => (await import('./report.js')).reportCommand,
  },
  {
    command: 'regress',
    describe:
      'Compare a run against a baseline (kill window, outcomes, agent versions); exit 1 on a regression',
    load: async () => (await import('./regress.js')).regressCommand,
  },
  {
    command: 'bundle <paths..>',
    describe:
      'Pack run and collect-logs directories into a redacted, checksummed .tar.gz for AWS Support (or `bundle verify FILE`)',
    load: async () => (await import('./bundle.js')).bundleCommand,
  },
  {
    command: 'doctor',
    describe: 'Check every ECS Exec prerequisite (the exec-checker checks and more), then really try to exec',
    load: async () => (await import('./doctor.js')).doctorCommand,
  },
  {
    command: 'cleanup <dir>',
    describe: 'Kill what a matrix run left in its containers, restore preferences, stop provisioned tasks',
    load: async () => (await import('./cleanup.js')).cleanupCommand,
  },
  {
    command: 'emulator <action>',
    describe: 'Run the embedded ECS Exec emulator (ECS + SSM APIs, data channel, sandboxed tasks) on a port',
    load: async () => (await import('./emulator.js')).emulatorCommand,
  },
];
