/**
 * The SSM data-channel protocol: a pure, byte-exact frame codec, the payload shapes, and the
 * pure reliability helpers (RTO estimator, reorder buffer, outgoing buffer) shared by the
 * session client and the emulator's agent side.
 *
 * @see ssm-data-channel.md §1, §2
 */
export * from './agent-message.js';
export * from './constants.js';
export * from './digest.js';
export * from './message-type.js';
export * from './outgoing-buffer.js';
export * from './payload-type.js';
export * from './payloads/acknowledge.js';
export * from './payloads/agent-session-state.js';
export * from './payloads/channel-closed.js';
export * from './payloads/flag.js';
export * from './payloads/handshake-complete.js';
export * from './payloads/handshake-request.js';
export * from './payloads/handshake-response.js';
export * from './payloads/open-data-channel.js';
export * from './payloads/size.js';
export * from './reorder-buffer.js';
export * from './result.js';
export * from './rto.js';
export * from './stream-message.js';
export * from './uuid.js';
