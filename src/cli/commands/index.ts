/**
 * The command registry. Only commands that work are listed here.
 * Add one import and one array entry per command.
 */
import type { DiagCommand } from '../command.js';
import { analyzeCommand } from './analyze.js';
import { bundleCommand } from './bundle.js';
import { cleanupCommand } from './cleanup.js';
import { collectLogsCommand } from './collect-logs.js';
import { doctorCommand } from './doctor.js';
import { emulatorCommand } from './emulator.js';
import { execCommand } from './exec.js';
import { jobCommand } from './job.js';
import { regressCommand } from './regress.js';
import { reportCommand } from './report.js';
import { runCommand } from './run.js';

// biome-ignore lint/suspicious/noExplicitAny: each command has its own argv type
export const COMMANDS: ReadonlyArray<DiagCommand<any>> = [
  analyzeCommand,
  reportCommand,
  regressCommand,
  bundleCommand,
  runCommand,
  cleanupCommand,
  emulatorCommand,
  doctorCommand,
  execCommand,
  collectLogsCommand,
  jobCommand,
];
