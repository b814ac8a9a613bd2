import { describe, expect, it } from 'vitest';
import {
  ACK_FLAGS,
  ActionStatus,
  buildAcknowledge,
  decodeAcknowledgePayload,
  decodeAgentMessage,
  decodeChannelClosedPayload,
  decodeFlagPayload,
  decodeHandshakeCompletePayload,
  decodeHandshakeRequestPayload,
  decodeHandshakeResponsePayload,
  decodeOpenDataChannel,
  decodeSizePayload,
  encodeAgentMessage,
  encodeChannelClosedPayload,
  encodeFlagPayload,
  encodeHandshakeCompletePayload,
  encodeHandshakeRequestPayload,
  encodeHandshakeResponsePayload,
  encodeOpenDataChannel,
  encodeSizePayload,
  requestedSessionType,
} from '../../../src/protocol/index.js';

const text = (b: Uint8Array) => new TextDecoder().decode(b);
const bytes = (s: string) => new TextEncoder().encode(s);

describe('payloads', () => {
  it('ack frame of a stream message: seq 0, flags 3, type 0, Go key order', () => {
    const init = buildAcknowledge(
      {
        messageType: 'output_stream_data',
        messageId: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
        sequenceNumber: 5n,
      },
      { messageId: '11111111-2222-3333-4444-555555555555', createdDate: 1 },
    );
    expect(init.sequenceNumber).toBe(0n);
    expect(init.flags).toBe(ACK_FLAGS);
    expect(init.payloadType).toBe(0);
    expect(text(init.payload)).toBe(
      '{"AcknowledgedMessageType":"output_stream_data","AcknowledgedMessageId":"0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d","AcknowledgedMessageSequenceNumber":5,"IsSequentialMessage":true}',
    );
    const r = decodeAgentMessage(encodeAgentMessage(init), { strict: true });
    if (!r.ok) throw r.error;
    const ack = decodeAcknowledgePayload(r.message.payload);
    expect(ack.ok && ack.value.acknowledgedMessageSequenceNumber).toBe(5n);
  });

  it('ack payload needs an integer sequence number', () => {
    const r = decodeAcknowledgePayload(bytes('{"AcknowledgedMessageSequenceNumber":"5"}'));
    expect(!r.ok && r.error.code).toBe('PROTO_BAD_PAYLOAD');
  });

  it('size is {"cols":N,"rows":M}', () => {
    expect(text(encodeSizePayload({ cols: 80, rows: 24 }))).toBe('{"cols":80,"rows":24}');
    const bad = decodeSizePayload(bytes('{"cols":-1,"rows":2}'));
    expect(!bad.ok && bad.error.code).toBe('PROTO_BAD_PAYLOAD');
  });

  it('channel_closed keeps Output and tolerates missing fields', () => {
    const full = encodeChannelClosedPayload({
      messageId: 'm',
      createdDate: 'd',
      destinationId: 't',
      sessionId: 's',
      schemaVersion: 1,
      output: 'Your session timed out due to inactivity and has been terminated.',
    });
    const r = decodeChannelClosedPayload(full);
    expect(r.ok && r.value.output).toMatch(/timed out/);
    const minimal = decodeChannelClosedPayload(bytes('{}'));
    expect(minimal.ok && minimal.value.output).toBe('');
    const notJson = decodeChannelClosedPayload(bytes('{'));
    expect(!notJson.ok && notJson.error.code).toBe('PROTO_BAD_PAYLOAD');
  });

  it('handshake request/response/complete round-trip', () => {
    const req = encodeHandshakeRequestPayload({
      agentVersion: '3.3.1142.0',
      requestedClientActions: [
        {
          actionType: 'SessionType',
          actionParameters: { SessionType: 'InteractiveCommands', Properties: null },
        },
      ],
    });
    const r = decodeHandshakeRequestPayload(req);
    if (!r.ok) throw r.error;
    expect(requestedSessionType(r.value)).toBe('InteractiveCommands');
    const resp = encodeHandshakeResponsePayload({
      clientVersion: '1.2.0',
      processedClientActions: [
        { actionType: 'SessionType', actionStatus: ActionStatus.Success, actionResult: null, error: '' },
      ],
      errors: null,
    });
    expect(text(resp)).toBe(
      '{"ClientVersion":"1.2.0","ProcessedClientActions":[{"ActionType":"SessionType","ActionStatus":1,"ActionResult":null,"Error":""}],"Errors":null}',
    );
    const back = decodeHandshakeResponsePayload(resp);
    expect(back.ok && back.value.processedClientActions[0]?.actionStatus).toBe(1);
    const done = decodeHandshakeCompletePayload(
      encodeHandshakeCompletePayload({ handshakeTimeToComplete: 12345, customerMessage: 'hi' }),
    );
    expect(done.ok && done.value).toEqual({ handshakeTimeToComplete: 12345, customerMessage: 'hi' });
  });

  it('open data channel text frame', () => {
    const t = encodeOpenDataChannel({ requestId: 'r', tokenValue: 'tok', clientId: 'c' });
    expect(t).toBe('{"MessageSchemaVersion":"1.0","RequestId":"r","TokenValue":"tok","ClientId":"c"}');
    const r = decodeOpenDataChannel(t);
    expect(r.ok && r.value.tokenValue).toBe('tok');
    const noToken = decodeOpenDataChannel('{"RequestId":"r"}');
    expect(!noToken.ok && noToken.error.code).toBe('PROTO_BAD_PAYLOAD');
  });

  it('flag payload is a 4-byte uint32', () => {
    const r = decodeFlagPayload(encodeFlagPayload(2));
    expect(r.ok && r.value).toBe(2);
    expect(decodeFlagPayload(new Uint8Array(3)).ok).toBe(false);
  });
});
