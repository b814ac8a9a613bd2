/**
 * The SSM data-channel session client and what is built on it.
 *
 * @see ssm-data-channel.md §2
 */

export { CommandOutputFilter, type CommandOutputSummary } from './command-output.js';
export { type CommandStdin, newMarker, wrapCommand, wrapperScript } from './command-wrapper.js';
export { type CollectOptions, collectCommandResult, type RunResult } from './run-command.js';
export {
  type OpenSessionOptions,
  openSession,
  type ResumedSession,
  type Session,
  type SessionStats,
  type SessionTarget,
} from './session.js';
export { describeSessionEnd, type SessionEnd } from './session-end.js';
export { shlexJoin, shlexQuote, shlexSplit } from './shlex.js';
export {
  CLOSE_ABNORMAL,
  type Transport,
  type TransportConnection,
  type TransportFactory,
} from './transport.js';
