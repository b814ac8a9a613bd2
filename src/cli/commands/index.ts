/**
 * The command registry. Only commands that work are listed here.
 * Add one import and one array entry per command.
 */
import type { DiagCommand } from '../command.js';

// biome-ignore lint/suspicious/noExplicitAny: each command has its own argv type
export const COMMANDS: ReadonlyArray<DiagCommand<any>> = [];
