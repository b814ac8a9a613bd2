/**
 * How a session ended.
 *
 * - `completed`: the service closed the channel with an empty reason (the command's pty ended).
 * - `closed-by-service`: `channel_closed` with a reason text (idle timeout, terminate...).
 * - `connection-lost`: the WebSocket dropped and could not be resumed.
 * - `aborted`: ended locally (`close()` or the abort signal).
 * - `failed`: the client could not go on (KMS handshake unsupported, connect failed, resend give-up).
 *
 * @see ssm-data-channel.md §2.12, §2.15
 */
import type { DiagError } from '../errors.js';

/** How a session ended. */
export type SessionEnd =
  | { readonly kind: 'completed' }
  | { readonly kind: 'closed-by-service'; readonly reason: string }
  | { readonly kind: 'connection-lost'; readonly reason: string; readonly closeCode?: number }
  | { readonly kind: 'aborted'; readonly reason: string }
  | { readonly kind: 'failed'; readonly error: DiagError };

/** One line describing an end, for humans. */
export function describeSessionEnd(end: SessionEnd): string {
  switch (end.kind) {
    case 'completed':
      return 'session completed';
    case 'closed-by-service':
      return `session closed by the service: ${end.reason}`;
    case 'connection-lost':
      return `connection lost: ${end.reason}`;
    case 'aborted':
      return `aborted: ${end.reason}`;
    case 'failed':
      return `failed (${end.error.code}): ${end.error.message}`;
  }
}
