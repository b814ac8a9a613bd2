/**
 * The open-data-channel TEXT frame: the first thing a client sends after the WebSocket opens.
 * `{"MessageSchemaVersion":"1.0","RequestId":"<uuid>","TokenValue":"<token>","ClientId":"<uuid>","ClientVersion":"…"}`
 * `ClientId` stays the same across reconnects; `RequestId` is fresh on every open. MGS does not
 * require ClientId or ClientVersion (§2.2).
 *
 * @see ssm-data-channel.md §2.2
 * @see aws/session-manager-plugin src/datachannel/streaming.go FinalizeDataChannelHandshake
 */
import { OPEN_DATA_CHANNEL_SCHEMA_VERSION } from '../constants.js';
import { type Decoded, decoded, decodeError } from '../result.js';

/** The content of the open-data-channel frame. */
export interface OpenDataChannelContent {
  readonly messageSchemaVersion: string;
  readonly requestId: string;
  readonly tokenValue: string;
  readonly clientId?: string;
  readonly clientVersion?: string;
}

/** The JSON text of the frame (send it as a TEXT WebSocket message). */
export function encodeOpenDataChannel(
  c: Omit<OpenDataChannelContent, 'messageSchemaVersion'> & { messageSchemaVersion?: string },
): string {
  return JSON.stringify({
    MessageSchemaVersion: c.messageSchemaVersion ?? OPEN_DATA_CHANNEL_SCHEMA_VERSION,
    RequestId: c.requestId,
    TokenValue: c.tokenValue,
    ...(c.clientId !== undefined ? { ClientId: c.clientId } : {}),
    ...(c.clientVersion !== undefined ? { ClientVersion: c.clientVersion } : {}),
  });
}

/** Parses the frame (for the gateway). Only TokenValue is required; unknown fields are ignored. */
export function decodeOpenDataChannel(text: string): Decoded<OpenDataChannelContent> {
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch {
    return decodeError('PROTO_BAD_PAYLOAD', 'open data channel: not JSON');
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) {
    return decodeError('PROTO_BAD_PAYLOAD', 'open data channel: not a JSON object');
  }
  const r = o as Record<string, unknown>;
  const token = r['TokenValue'];
  if (typeof token !== 'string' || token.length === 0) {
    return decodeError('PROTO_BAD_PAYLOAD', 'open data channel: TokenValue missing');
  }
  const str = (k: string) => (typeof r[k] === 'string' ? (r[k] as string) : undefined);
  return decoded({
    messageSchemaVersion: str('MessageSchemaVersion') ?? '',
    requestId: str('RequestId') ?? '',
    tokenValue: token,
    ...(str('ClientId') !== undefined ? { clientId: str('ClientId') as string } : {}),
    ...(str('ClientVersion') !== undefined ? { clientVersion: str('ClientVersion') as string } : {}),
  });
}
