/**
 * The emulator's data-channel gateway: WebSocket stream URLs, the token check, the agent side of
 * the stream (sequencing, acks, retransmission, pause while unattached) and fault injection.
 * Behavioural spec: src/emulator/spec/gateway.md.
 */

export type { FaultDirection, FaultKind, FaultRule, FaultSpec } from '../faults.js';
export { FAULT_KINDS, FaultInjector } from '../faults.js';
export type { ChannelSnapshot, InputReadiness } from './channel.js';
export { AGENT_BUFFER_CAPACITY, DRAIN_MAX_MS } from './channel.js';
export type { Gateway, GatewayOptions, RefusalReason } from './data-channel-gateway.js';
export { createGateway, TOKEN_WAIT_MS } from './data-channel-gateway.js';
export { buildStreamUrl, DATA_CHANNEL_PATH_PREFIX, sessionIdOfRequestTarget } from './stream-url.js';
