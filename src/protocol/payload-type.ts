/**
 * The PayloadType enumeration.
 *
 * @see ssm-data-channel.md §1.6
 * @see aws/session-manager-plugin src/message/clientmessage.go (PayloadType consts)
 */

/** PayloadType values by name. */
export const PayloadType = {
  /** Control frames (acknowledge, agent_session_state...) leave the field at zero. */
  None: 0,
  /** agent→client output; client→agent keystrokes/stdin (also "Output"). */
  Output: 1,
  Error: 2,
  /** client→agent `{"cols":N,"rows":M}`. */
  Size: 3,
  Parameter: 4,
  HandshakeRequest: 5,
  HandshakeResponse: 6,
  HandshakeComplete: 7,
  EncChallengeRequest: 8,
  EncChallengeResponse: 9,
  /** 4-byte big-endian uint32 flag (port sessions only). */
  Flag: 10,
  StdErr: 11,
  /** NonInteractiveCommands: ASCII `EXIT_CODE: <n>`. */
  ExitCode: 12,
} as const;

/** A known PayloadType value. */
export type PayloadTypeValue = (typeof PayloadType)[keyof typeof PayloadType];

const KNOWN = new Set<number>(Object.values(PayloadType));

/** True when `n` is a PayloadType defined in the Go sources. */
export function isKnownPayloadType(n: number): n is PayloadTypeValue {
  return KNOWN.has(n);
}

/** The name of a payload type, or `unknown(<n>)`. */
export function payloadTypeName(n: number): string {
  for (const [name, v] of Object.entries(PayloadType)) if (v === n) return name;
  return `unknown(${n})`;
}

/** Flag payload values (PayloadType 10). @see §1.6 */
export const PayloadFlag = {
  DisconnectToPort: 1,
  TerminateSession: 2,
  ConnectToPortError: 3,
} as const;
