/**
 * HandshakeResponse (PayloadType 6, client → agent).
 *
 * `{"ClientVersion":"…","ProcessedClientActions":[{"ActionType":"SessionType","ActionStatus":1,"ActionResult":null,"Error":""}],"Errors":null}`
 * ActionStatus: 1 Success, 2 Failed, 3 Unsupported. The agent treats any status ≠ 1 as a failure.
 *
 * @see ssm-data-channel.md §2.3
 * @see aws/session-manager-plugin src/datachannel/streaming.go handleHandshakeRequest
 */
import { type Decoded, decoded, decodeError } from '../result.js';
import { jsonBytes, parseJsonObject } from './json.js';

/** ActionStatus values. */
export const ActionStatus = { Success: 1, Failed: 2, Unsupported: 3 } as const;

/** One processed client action. */
export interface ProcessedClientAction {
  readonly actionType: string;
  readonly actionStatus: number;
  readonly actionResult: unknown;
  readonly error: string;
}

/** The content of a HandshakeResponse. */
export interface HandshakeResponseContent {
  readonly clientVersion: string;
  readonly processedClientActions: readonly ProcessedClientAction[];
  /** Go's nil slice is `null`. */
  readonly errors: readonly string[] | null;
}

/** UTF-8 JSON of a HandshakeResponse, in the Go key order. */
export function encodeHandshakeResponsePayload(r: HandshakeResponseContent): Uint8Array {
  return jsonBytes({
    ClientVersion: r.clientVersion,
    ProcessedClientActions: r.processedClientActions.map((a) => ({
      ActionType: a.actionType,
      ActionStatus: a.actionStatus,
      ActionResult: a.actionResult ?? null,
      Error: a.error,
    })),
    Errors: r.errors,
  });
}

/** Parses a HandshakeResponse (for the emulator's agent side). */
export function decodeHandshakeResponsePayload(bytes: Uint8Array): Decoded<HandshakeResponseContent> {
  const parsed = parseJsonObject(bytes, 'handshake response');
  if (!parsed.ok) return parsed;
  const o = parsed.value;
  const actions = o['ProcessedClientActions'] ?? [];
  if (!Array.isArray(actions))
    return decodeError('PROTO_BAD_PAYLOAD', 'handshake response: actions is not an array');
  const out: ProcessedClientAction[] = [];
  for (const a of actions) {
    if (typeof a !== 'object' || a === null)
      return decodeError('PROTO_BAD_PAYLOAD', 'handshake response: bad action');
    const r = a as Record<string, unknown>;
    out.push({
      actionType: typeof r['ActionType'] === 'string' ? r['ActionType'] : '',
      actionStatus: typeof r['ActionStatus'] === 'number' ? r['ActionStatus'] : 0,
      actionResult: r['ActionResult'] ?? null,
      error: typeof r['Error'] === 'string' ? r['Error'] : '',
    });
  }
  const errors = o['Errors'];
  return decoded({
    clientVersion: typeof o['ClientVersion'] === 'string' ? o['ClientVersion'] : '',
    processedClientActions: out,
    errors: Array.isArray(errors) ? errors.map(String) : null,
  });
}
