import { describe, expect, it } from 'vitest';
import { encodeAgentMessage } from '../../../src/protocol/index.js';
import { bytesOf, harness, sha256 } from './harness.js';

describe('session: opening and output', () => {
  it('sends the open frame with the token, a ClientId and a RequestId, then delivers output', async () => {
    const h = harness();
    await h.run(10);
    h.peer.sendOutput('hello\r\n');
    h.peer.endWhenDrained();
    expect(await h.runUntilEnded()).toEqual({ kind: 'completed' });
    expect(h.output().toString()).toBe('hello\r\n');
    expect(h.peer.opens).toHaveLength(1);
    expect(h.peer.opens[0]).toMatchObject({ messageSchemaVersion: '1.0', tokenValue: 'token-0' });
    expect(h.peer.opens[0]?.clientId).toMatch(/^[0-9a-f-]{36}$/);
    expect(h.peer.invalid).toEqual([]);
    expect(h.peer.unacked).toBe(0);
  });

  it('holds input and size until the first output (§2.4), then sends size first', async () => {
    const h = harness();
    h.session.write('ls\n');
    h.session.resize(120, 40);
    h.session.resize(80, 24);
    await h.run(1000);
    expect(h.peer.arrivals).toEqual([]);
    h.peer.sendOutput('$ ');
    await h.run(50);
    expect(h.peer.arrivals.map((a) => [a.seq, a.payloadType])).toEqual([
      [0n, 3],
      [1n, 1],
    ]);
    expect(h.peer.sizes).toEqual([{ cols: 80, rows: 24 }]);
    expect(Buffer.from(h.peer.inputBytes).toString()).toBe('ls\n');
    h.peer.closeChannel('');
    await h.runUntilEnded();
  });

  it('chunks large input into 1024-byte frames with consecutive sequence numbers', async () => {
    const h = harness();
    h.peer.sendOutput('>');
    await h.run(20);
    const data = bytesOf(5000, 7);
    h.session.write(data);
    await h.run(100);
    expect(sha256(h.peer.inputBytes)).toBe(sha256(data));
    expect(h.peer.arrivals.map((a) => a.seq)).toEqual([0n, 1n, 2n, 3n, 4n]);
    h.peer.closeChannel('');
    await h.runUntilEnded();
  });

  it('pings at open and every interval', async () => {
    const h = harness({ session: { pingIntervalMs: 60_000 } });
    await h.run(10);
    expect(h.transport.pings).toHaveLength(1);
    await h.run(120_000);
    expect(h.transport.pings).toHaveLength(3);
    h.peer.closeChannel('');
    await h.runUntilEnded();
  });
});

describe('session: handshake (§2.3)', () => {
  it('answers an InteractiveCommands handshake and sends held input only after HandshakeComplete', async () => {
    const h = harness({ handshake: 'interactive' });
    h.session.write('early');
    await h.run(10);
    h.peer.sendOutput('out');
    await h.run(200);
    expect(h.peer.handshakeResponses).toHaveLength(1);
    expect(h.peer.handshakeResponses[0]).toMatchObject({
      processedClientActions: [{ actionType: 'SessionType', actionStatus: 1 }],
    });
    expect(h.peer.arrivals[0]?.payloadType).toBe(6);
    expect(Buffer.from(h.peer.inputBytes).toString()).toBe('early');
    h.peer.endWhenDrained();
    expect(await h.runUntilEnded()).toEqual({ kind: 'completed' });
    expect(h.output().toString()).toBe('out');
  });

  it('ends with SESSION_KMS_UNSUPPORTED on a KMS handshake, after answering Unsupported', async () => {
    const h = harness({ handshake: 'kms' });
    const end = await h.runUntilEnded();
    expect(end.kind).toBe('failed');
    if (end.kind === 'failed') expect(end.error.code).toBe('SESSION_KMS_UNSUPPORTED');
    await h.run(50);
    expect(h.peer.handshakeResponses[0]).toMatchObject({
      processedClientActions: [
        { actionType: 'SessionType', actionStatus: 1 },
        { actionType: 'KMSEncryption', actionStatus: 3 },
      ],
    });
  });
});

describe('session: end', () => {
  it('channel_closed with a reason ends as closed-by-service with that text', async () => {
    const h = harness();
    h.peer.sendOutput('working');
    await h.run(20);
    h.peer.closeChannel('Your session timed out due to inactivity and has been terminated.');
    expect(await h.runUntilEnded()).toEqual({
      kind: 'closed-by-service',
      reason: 'Your session timed out due to inactivity and has been terminated.',
    });
    expect(h.output().toString()).toBe('working');
  });

  it('a drop without resume ends as connection-lost with code 1006', async () => {
    const h = harness();
    h.peer.sendOutput('x');
    await h.run(20);
    h.peer.dropConnection();
    const end = await h.runUntilEnded();
    expect(end).toMatchObject({ kind: 'connection-lost', closeCode: 1006 });
  });

  it('a resume that finds the session gone ends as connection-lost', async () => {
    const h = harness({ resume: 'gone' });
    h.peer.sendOutput('x');
    await h.run(20);
    h.peer.dropConnection();
    const end = await h.runUntilEnded();
    expect(end.kind).toBe('connection-lost');
    if (end.kind === 'connection-lost') expect(end.reason).toMatch(/ResumeSession returned no token/);
  });

  it('aborting the signal ends as aborted', async () => {
    const ac = new AbortController();
    const h = harness({ session: { signal: ac.signal } });
    h.peer.sendOutput('x');
    await h.run(20);
    ac.abort();
    expect((await h.runUntilEnded()).kind).toBe('aborted');
  });

  it('close() ends as aborted and ignores later writes', async () => {
    const h = harness();
    h.peer.sendOutput('x');
    await h.run(20);
    h.session.close();
    h.session.write('late');
    expect((await h.runUntilEnded()).kind).toBe('aborted');
    expect(h.peer.input).toEqual([]);
  });

  it('a failed first connect ends as failed with SESSION_CONNECT_FAILED', async () => {
    const h = harness();
    h.transport.failNextConnects(1);
    const end = await h.runUntilEnded();
    expect(end.kind === 'failed' && end.error.code).toBe('SESSION_CONNECT_FAILED');
  });
});

describe('session: reliability', () => {
  it('retransmits unacked input after the RTO, oldest first, and the peer gets it once', async () => {
    const h = harness({ faults: { withholdAck: (seq, arrival) => seq === 0n && arrival < 2 } });
    h.peer.sendOutput('$');
    await h.run(20);
    h.session.write('a');
    h.session.write('b');
    await h.run(150);
    expect(h.peer.arrivals.filter((a) => a.seq === 0n)).toHaveLength(1);
    await h.run(1000);
    expect(h.peer.arrivals.filter((a) => a.seq === 0n).length).toBeGreaterThanOrEqual(3);
    expect(Buffer.from(h.peer.inputBytes).toString()).toBe('ab');
    expect(h.session.stats.retransmits).toBeGreaterThanOrEqual(2);
    h.peer.closeChannel('');
    await h.runUntilEnded();
  });

  it('gives up with SESSION_RESEND_TIMEOUT after maxResendAttempts', async () => {
    const h = harness({ faults: { withholdAck: () => true }, session: { maxResendAttempts: 3 } });
    h.peer.sendOutput('$');
    await h.run(20);
    h.session.write('a');
    const end = await h.runUntilEnded();
    expect(end.kind === 'failed' && end.error.code).toBe('SESSION_RESEND_TIMEOUT');
  });

  it('re-acks duplicates so the peer stops resending', async () => {
    const h = harness({ faults: { duplicate: () => true } });
    const data = bytesOf(10_000, 3);
    h.peer.sendOutput(data);
    h.peer.endWhenDrained();
    await h.runUntilEnded();
    expect(sha256(h.output())).toBe(sha256(data));
    expect(h.session.stats.duplicates).toBeGreaterThan(0);
  });

  it('holds input while paused and sends it on start_publication', async () => {
    const h = harness();
    h.peer.sendOutput('$');
    await h.run(20);
    h.peer.publication(true);
    await h.run(20);
    h.session.write('held');
    await h.run(2000);
    expect(h.peer.input).toEqual([]);
    h.peer.publication(false);
    await h.run(50);
    expect(Buffer.from(h.peer.inputBytes).toString()).toBe('held');
    h.peer.closeChannel('');
    await h.runUntilEnded();
  });

  it('drops undecodable and bad-digest frames and goes on', async () => {
    const h = harness();
    h.peer.sendOutput('a');
    await h.run(20);
    h.peer.sendRaw(new Uint8Array([1, 2, 3]));
    h.peer.sendRaw(
      encodeAgentMessage({
        messageType: 'output_stream_data',
        createdDate: 1,
        sequenceNumber: 1n,
        messageId: '11111111-2222-3333-4444-555555555555',
        payloadType: 1,
        payload: new TextEncoder().encode('EVIL'),
        payloadDigest: new Uint8Array(32),
      }),
    );
    h.peer.sendOutput('b');
    h.peer.endWhenDrained();
    await h.runUntilEnded();
    expect(h.output().toString()).toBe('ab');
    expect(h.session.stats.invalidFrames).toBe(2);
  });

  it('reconnects after a 1006 drop with a fresh token, the same ClientId and the same sequence numbers', async () => {
    const h = harness({ resume: 'tokens', faults: { dropConnectionAfter: [5] } });
    h.peer.sendOutput('$');
    await h.run(20);
    h.session.write('before');
    const data = bytesOf(20_000, 9);
    h.peer.sendOutput(data);
    await h.run(3000);
    h.session.write('after');
    await h.run(100);
    h.peer.endWhenDrained();
    expect(await h.runUntilEnded()).toEqual({ kind: 'completed' });
    expect(sha256(h.output())).toBe(sha256(Buffer.concat([Buffer.from('$'), data])));
    expect(h.peer.opens.map((o) => o.tokenValue)).toEqual(['token-0', 'token-1']);
    expect(h.peer.opens[1]?.clientId).toBe(h.peer.opens[0]?.clientId);
    expect(h.peer.opens[1]?.requestId).not.toBe(h.peer.opens[0]?.requestId);
    expect(Buffer.from(h.peer.inputBytes).toString()).toBe('beforeafter');
    expect(h.session.stats.reconnects).toBe(1);
    expect(h.peer.invalid).toEqual([]);
  });
});
