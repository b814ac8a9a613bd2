/**
 * The in-task agent's log files, written as seelog writes them with the ECS Exec seelog.xml:
 * `/var/log/amazon/ssm/amazon-ssm-agent.log` (every line at or above minlevel `info`) and
 * `/var/log/amazon/ssm/errors.log` (ERROR and CRITICAL, with `[Func @ file.line]`).
 * Timestamps are LOGICAL (the emulator's clock), in UTC.
 *
 * DEBUG lines (e.g. `Cancel flag set to cancelled in session`) are filtered by minlevel, as on
 * ECS; {@link AgentLog.lines} still records them for the emulator's own inspection.
 * @see ssm-data-channel.md §4.2; ../../logs/agent-log-format.ts (formats and texts)
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  AGENT_LOG_LEVELS,
  type AgentLogLevel,
  formatAgentLogLine,
  formatErrorsLogLine,
} from '../../logs/agent-log-format.js';
import type { LogicalClock } from '../contracts.js';

/** Inside the task. */
export const AGENT_LOG_DIR = '/var/log/amazon/ssm';
export const AGENT_LOG_FILE = `${AGENT_LOG_DIR}/amazon-ssm-agent.log`;
export const ERRORS_LOG_FILE = `${AGENT_LOG_DIR}/errors.log`;

/** seelog.xml `minlevel` of ECS Exec's agent. */
export const SEELOG_MIN_LEVEL: AgentLogLevel = 'INFO';

/** Where an ERROR was logged in the agent's source (`%FuncShort @ %File.%Line`). */
export interface LogSite {
  readonly func: string;
  readonly file: string;
  readonly line: number;
}

/** One line as logged (before the minlevel filter). */
export interface LoggedLine {
  readonly time: number;
  readonly level: AgentLogLevel;
  readonly msg: string;
}

/** Appends agent log lines to a task's log files. */
export class AgentLog {
  #main: string;
  #errors: string;
  #clock: LogicalClock;
  #min: number;
  /** Every line logged, DEBUG included, in order. */
  readonly lines: LoggedLine[] = [];

  constructor(rootDir: string, clock: LogicalClock, minLevel: AgentLogLevel = SEELOG_MIN_LEVEL) {
    mkdirSync(join(rootDir, AGENT_LOG_DIR), { recursive: true });
    this.#main = join(rootDir, AGENT_LOG_FILE);
    this.#errors = join(rootDir, ERRORS_LOG_FILE);
    this.#clock = clock;
    this.#min = AGENT_LOG_LEVELS.indexOf(minLevel);
  }

  debug(msg: string): void {
    this.write('DEBUG', msg);
  }

  info(msg: string): void {
    this.write('INFO', msg);
  }

  warn(msg: string): void {
    this.write('WARN', msg);
  }

  error(msg: string, site: LogSite): void {
    this.write('ERROR', msg, site);
  }

  /** Writes one line (both files for ERROR/CRITICAL). Never throws: a log failure must not kill a session. */
  write(level: AgentLogLevel, msg: string, site?: LogSite): void {
    const time = this.#clock.now();
    this.lines.push({ time, level, msg });
    if (AGENT_LOG_LEVELS.indexOf(level) < this.#min) return;
    const date = new Date(time);
    try {
      appendFileSync(this.#main, `${formatAgentLogLine(date, level, msg)}\n`);
      if ((level === 'ERROR' || level === 'CRITICAL') && site) {
        appendFileSync(
          this.#errors,
          `${formatErrorsLogLine(date, level, site.func, site.file, site.line, msg)}\n`,
        );
      }
    } catch {
      // the task's root may be gone (task stopped and cleaned up)
    }
  }
}

/**
 * Source sites of the ERROR lines the emulated agent writes (approximate line numbers of
 * amazon-ssm-agent 3.3, agent/session/shell/*.go).
 */
export const SITES = {
  waitPty: { func: 'executeCommandsWithPty.func1', file: 'shell.go', line: 354 },
  ptyExited: { func: 'executeCommandsWithPty.func2', file: 'shell.go', line: 376 },
  unableToStart: { func: 'Execute', file: 'shell.go', line: 266 },
  failedToStartPty: { func: 'StartCommandExecutor', file: 'shell_unix.go', line: 150 },
  failedToParse: { func: 'StartCommandExecutor', file: 'shell_unix.go', line: 84 },
  generateLogData: { func: 'finishLogging', file: 'shell.go', line: 690 },
} as const satisfies Record<string, LogSite>;
