/**
 * The data-channel stream URL the control plane hands out and the gateway accepts:
 * `ws://host:port/v1/data-channel/<sessionId>?role=publish_subscribe`. Clients must treat it as
 * opaque; the gateway reads only the path and ignores the query.
 *
 * @see ssm-data-channel.md §2.1, §6.1
 */

/** The path prefix of every stream URL. */
export const DATA_CHANNEL_PATH_PREFIX = '/v1/data-channel/';

/** The query MGS puts on stream URLs it hands to clients. */
export const STREAM_URL_QUERY = 'role=publish_subscribe';

/** The stream URL of `sessionId` under `baseUrl` (e.g. `ws://127.0.0.1:4566`). */
export function buildStreamUrl(baseUrl: string, sessionId: string): string {
  return `${baseUrl.replace(/\/+$/, '')}${DATA_CHANNEL_PATH_PREFIX}${encodeURIComponent(sessionId)}?${STREAM_URL_QUERY}`;
}

/** The session id of a request target (`/v1/data-channel/<id>?…`), or undefined for another path. */
export function sessionIdOfRequestTarget(target: string | undefined): string | undefined {
  if (target === undefined) return undefined;
  const path = target.split('?', 1)[0] ?? '';
  if (!path.startsWith(DATA_CHANNEL_PATH_PREFIX)) return undefined;
  const raw = path.slice(DATA_CHANNEL_PATH_PREFIX.length);
  if (raw.length === 0 || raw.includes('/')) return undefined;
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}
