/**
 * The retransmission-timeout estimator both Go sides use (TCP-like). Pure: the caller passes the
 * sample (now − lastSentTime) and keeps the returned state.
 *
 * On each ack of a buffered message:
 *   1. rttvar = (1−β)·rttvar + β·|rtt − sample|   (with the old rtt)
 *   2. rtt    = (1−α)·rtt + α·sample
 *   3. RTO    = min(MAX_RTO, rtt + max(G, 4·rttvar))
 *
 * @see ssm-data-channel.md §2.7, §5
 * @see aws/session-manager-plugin src/datachannel/streaming.go CalculateRetransmissionTimeout
 */

/** Initial round-trip time, ms. */
export const INITIAL_RTT_MS = 100;
/** Initial round-trip time variation, ms. */
export const INITIAL_RTTVAR_MS = 0;
/** Initial (and default) retransmission timeout, ms. */
export const INITIAL_RTO_MS = 200;
/** Gain of the RTT average (α). */
export const RTT_ALPHA = 1 / 8;
/** Gain of the RTT variation (β). */
export const RTT_BETA = 1 / 4;
/** Clock granularity G, ms. */
export const CLOCK_GRANULARITY_MS = 10;
/** Upper bound of the RTO, ms. */
export const MAX_RTO_MS = 1000;
/** The resend scheduler's period, ms. */
export const RESEND_TICK_MS = 100;

/** The estimator's state. */
export interface RttEstimate {
  readonly rttMs: number;
  readonly rttVarMs: number;
  readonly rtoMs: number;
}

/** The state before any sample. */
export const INITIAL_RTT_ESTIMATE: RttEstimate = {
  rttMs: INITIAL_RTT_MS,
  rttVarMs: INITIAL_RTTVAR_MS,
  rtoMs: INITIAL_RTO_MS,
};

/** The estimate after one RTT sample (ms). Negative samples (clock steps) count as 0. */
export function updateRttEstimate(prev: RttEstimate, sampleMs: number): RttEstimate {
  const sample = Math.max(0, sampleMs);
  const rttVarMs = (1 - RTT_BETA) * prev.rttVarMs + RTT_BETA * Math.abs(prev.rttMs - sample);
  const rttMs = (1 - RTT_ALPHA) * prev.rttMs + RTT_ALPHA * sample;
  const rtoMs = Math.min(MAX_RTO_MS, rttMs + Math.max(CLOCK_GRANULARITY_MS, 4 * rttVarMs));
  return { rttMs, rttVarMs, rtoMs };
}
