/**
 * HandshakeRequest (PayloadType 5, agent → client).
 *
 * `{"AgentVersion":"3.3.x.y","RequestedClientActions":[{"ActionType":"SessionType","ActionParameters":{"SessionType":"InteractiveCommands","Properties":null}},
 *   {"ActionType":"KMSEncryption","ActionParameters":{"KMSKeyId":"arn…","Challenge":"<base64>"}}]}`
 *
 * @see ssm-data-channel.md §2.3
 * @see aws/amazon-ssm-agent agent/session/datachannel/datachannel.go buildHandshakeRequestPayload
 */
import { type Decoded, decoded, decodeError } from '../result.js';
import { jsonBytes, parseJsonObject } from './json.js';

/** Action types of a handshake. */
export const ActionType = {
  SessionType: 'SessionType',
  KMSEncryption: 'KMSEncryption',
} as const;

/** One requested client action. `actionParameters` is kept as parsed JSON. */
export interface RequestedClientAction {
  readonly actionType: string;
  readonly actionParameters: unknown;
}

/** The content of a HandshakeRequest. */
export interface HandshakeRequestContent {
  readonly agentVersion: string;
  readonly requestedClientActions: readonly RequestedClientAction[];
}

/** UTF-8 JSON of a HandshakeRequest. */
export function encodeHandshakeRequestPayload(r: HandshakeRequestContent): Uint8Array {
  return jsonBytes({
    AgentVersion: r.agentVersion,
    RequestedClientActions: r.requestedClientActions.map((a) => ({
      ActionType: a.actionType,
      ActionParameters: a.actionParameters,
    })),
  });
}

/** Parses a HandshakeRequest. */
export function decodeHandshakeRequestPayload(bytes: Uint8Array): Decoded<HandshakeRequestContent> {
  const parsed = parseJsonObject(bytes, 'handshake request');
  if (!parsed.ok) return parsed;
  const o = parsed.value;
  const actions = o['RequestedClientActions'] ?? [];
  if (!Array.isArray(actions))
    return decodeError('PROTO_BAD_PAYLOAD', 'handshake request: actions is not an array');
  const out: RequestedClientAction[] = [];
  for (const a of actions) {
    if (
      typeof a !== 'object' ||
      a === null ||
      typeof (a as Record<string, unknown>)['ActionType'] !== 'string'
    ) {
      return decodeError('PROTO_BAD_PAYLOAD', 'handshake request: an action has no ActionType');
    }
    const rec = a as Record<string, unknown>;
    out.push({ actionType: rec['ActionType'] as string, actionParameters: rec['ActionParameters'] ?? null });
  }
  const version = o['AgentVersion'];
  return decoded({ agentVersion: typeof version === 'string' ? version : '', requestedClientActions: out });
}

/** The SessionType a request asks for, if any. */
export function requestedSessionType(r: HandshakeRequestContent): string | undefined {
  const a = r.requestedClientActions.find((x) => x.actionType === ActionType.SessionType);
  const p = a?.actionParameters;
  if (typeof p !== 'object' || p === null) return undefined;
  const t = (p as Record<string, unknown>)['SessionType'];
  return typeof t === 'string' ? t : undefined;
}
