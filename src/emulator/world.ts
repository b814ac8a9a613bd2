/**
 * The emulator world: what every ServiceModule gets. One per running emulator.
 */
import type { Deps } from '../deps.js';
import type { BehaviourProfile, DataChannelGateway, LogicalClock } from './contracts.js';
import type { SessionModel } from './service-model/session-model.js';
import type { EmulatorState } from './state/world-state.js';
import type { TaskRuntime } from './task-runtime.js';

/** The emulator's state and runtime, as service modules see them. */
export interface EmulatorWorld {
  readonly region: string;
  readonly accountId: string;
  /** Logical time: API timestamps and service timers. */
  readonly clock: LogicalClock;
  /** Ids, randomness, the event sink (and the real clock). */
  readonly deps: Deps;
  readonly profile: BehaviourProfile;
  /** The persistent state. Call {@link EmulatorWorld.changed} after mutating it. */
  readonly state: EmulatorState;
  /** Task sandboxes (through the AgentHost). */
  readonly tasks: TaskRuntime;
  /** The service's session model (MGS): idle timer, sweep, expiry. */
  readonly sessions: SessionModel;
  readonly gateway: DataChannelGateway;
  /** Marks the state dirty; it is saved (when a state file is configured) soon after. */
  changed(): void;
  /** The IAM principal ARN for an access key (session Owner, GetCallerIdentity). */
  principalArn(accessKeyId: string): string;
}
