/**
 * The session over real WebSockets on loopback (the `ws` adapter + a PeerAgent server on port 0),
 * on the real clock: faults, a 1006 drop mid-stream with resume, and output byte-identical.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { wsTransport } from '../../src/aws/ws-transport.js';
import { systemClock, systemDeps, systemIds } from '../../src/deps.js';
import { openSession } from '../../src/session/index.js';
import { PeerAgent, type PeerFaults, type PeerServer, servePeer } from '../helpers/peer-agent.js';
import { bytesOf, sha256 } from '../unit/session/harness.js';

let server: PeerServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function run(faults: PeerFaults, size: number, withResume: boolean) {
  const peer = new PeerAgent({ clock: systemClock, ids: systemIds, tokens: ['t0'], faults });
  server = await servePeer((link) => peer.attach(link));
  let n = 0;
  const session = openSession(
    { sessionId: 's1', streamUrl: server.url('s1'), tokenValue: 't0' },
    {
      transport: wsTransport(),
      deps: systemDeps(),
      ...(withResume
        ? {
            resume: async () => {
              const tokenValue = `t${++n}`;
              peer.addToken(tokenValue);
              return { tokenValue };
            },
          }
        : {}),
    },
  );
  const data = bytesOf(size, size);
  peer.sendOutput(data);
  peer.endWhenDrained();
  const chunks: Uint8Array[] = [];
  for await (const c of session.output) chunks.push(c);
  const end = await session.ended;
  peer.dispose();
  return { end, got: Buffer.concat(chunks), data, peer, session };
}

describe('session over ws (loopback)', () => {
  it('delivers 1 MB exactly and ends completed on channel_closed + 1006', async () => {
    const { end, got, data, peer } = await run({}, 1 << 20, false);
    expect(end).toEqual({ kind: 'completed' });
    expect(sha256(got)).toBe(sha256(data));
    expect(peer.invalid).toEqual([]);
    expect(peer.opens[0]?.tokenValue).toBe('t0');
  });

  it('survives drops, duplicates, reordering and a 1006 drop mid-stream (resume)', async () => {
    const { end, got, data, session } = await run(
      {
        drop: (seq, attempt) => attempt === 0 && seq % 7n === 3n,
        duplicate: (seq) => seq % 5n === 1n,
        reorder: (seq) => seq % 4n === 2n,
        dropConnectionAfter: [40],
      },
      200_000,
      true,
    );
    expect(end).toEqual({ kind: 'completed' });
    expect(sha256(got)).toBe(sha256(data));
    expect(session.stats.reconnects).toBe(1);
  });

  it('without resume a 1006 drop ends as connection-lost', async () => {
    const { end } = await run({ dropConnectionAfter: [3] }, 50_000, false);
    expect(end).toMatchObject({ kind: 'connection-lost', closeCode: 1006 });
  });

  it('a refused connection ends as failed with SESSION_CONNECT_FAILED', async () => {
    const session = openSession(
      { sessionId: 's', streamUrl: 'ws://127.0.0.1:1/v1/data-channel/s', tokenValue: 't' },
      { transport: wsTransport(), deps: systemDeps() },
    );
    const end = await session.ended;
    expect(end.kind === 'failed' && end.error.code).toBe('SESSION_CONNECT_FAILED');
  });
});
