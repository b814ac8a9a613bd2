/**
 * The emulator's in-container agent: `createAgentHost` builds the {@link AgentHost} the
 * control plane drives (tasks as Linux namespaces, sessions on real ptys, the agent's logs).
 */
import type { Deps } from '../../deps.js';
import type { BehaviourProfile, LogicalClock } from '../contracts.js';
import { findHostTools, probeNamespaces } from '../sandbox/host-tools.js';
import { EmulatedAgentHost } from './agent-host.js';

export { readSessionWorkersLimit } from './agent-files.js';
export { EmulatedAgentHost } from './agent-host.js';
export type { AgentSession } from './agent-session.js';

/** Options of {@link createAgentHost}. */
export interface CreateAgentHostOptions {
  /** Where task roots live (`<stateDir>/tasks/<taskId>/root`) and the busybox image is built. */
  readonly stateDir: string;
  readonly profile: BehaviourProfile;
  readonly logical: LogicalClock;
  /** deps.clock paces the output pump (real time); deps.ids makes the request/client ids logged. */
  readonly deps: Deps;
  /** Region shown in the agent's data-channel URLs. @default 'us-east-1' */
  readonly region?: string;
}

/**
 * Checks that Linux namespaces can be made here and returns the agent host.
 * @throws DiagError EMULATOR_NAMESPACES_UNAVAILABLE when they cannot (never falls back to the host)
 */
export async function createAgentHost(opts: CreateAgentHostOptions): Promise<EmulatedAgentHost> {
  const tools = findHostTools();
  probeNamespaces(tools);
  return new EmulatedAgentHost({ ...opts, tools });
}
