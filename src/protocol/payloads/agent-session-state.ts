/**
 * `agent_session_state` (agent → MGS): `{"SchemaVersion":1,"SessionState":"Connected"|"Terminating","SessionId":…}`.
 * Header: seq 0, flags 3, PayloadType 0. The plugin has no handler for it.
 *
 * @see ssm-data-channel.md §1.7, §2.12
 */
import { type Decoded, decoded, decodeError } from '../result.js';
import { jsonBytes, parseJsonObject } from './json.js';

/** The content of an agent_session_state message. */
export interface AgentSessionStateContent {
  readonly schemaVersion: number;
  readonly sessionState: 'Connected' | 'Terminating' | string;
  readonly sessionId: string;
}

/** UTF-8 JSON of an agent_session_state payload. */
export function encodeAgentSessionStatePayload(s: AgentSessionStateContent): Uint8Array {
  return jsonBytes({ SchemaVersion: s.schemaVersion, SessionState: s.sessionState, SessionId: s.sessionId });
}

/** Parses an agent_session_state payload. */
export function decodeAgentSessionStatePayload(bytes: Uint8Array): Decoded<AgentSessionStateContent> {
  const parsed = parseJsonObject(bytes, 'agent_session_state');
  if (!parsed.ok) return parsed;
  const o = parsed.value;
  if (typeof o['SessionState'] !== 'string')
    return decodeError('PROTO_BAD_PAYLOAD', 'agent_session_state: no SessionState');
  return decoded({
    schemaVersion: typeof o['SchemaVersion'] === 'number' ? o['SchemaVersion'] : 1,
    sessionState: o['SessionState'],
    sessionId: typeof o['SessionId'] === 'string' ? o['SessionId'] : '',
  });
}
