/**
 * Wiring for session tests: a PeerAgent behind a FakeTransport, a session on a manual clock.
 */
import { createHash } from 'node:crypto';
import { type OpenSessionOptions, openSession, type SessionEnd } from '../../../src/session/index.js';
import { FakeTransport } from '../../helpers/fake-transport.js';
import { counterIds, testDeps } from '../../helpers/manual-clock.js';
import { PeerAgent, type PeerAgentOptions } from '../../helpers/peer-agent.js';

export interface HarnessOptions {
  readonly handshake?: PeerAgentOptions['handshake'];
  readonly faults?: PeerAgentOptions['faults'];
  readonly resume?: 'tokens' | 'none' | 'gone';
  readonly session?: Partial<OpenSessionOptions>;
  readonly seed?: number;
}

export const STREAM_URL =
  'wss://ssmmessages.local/v1/data-channel/ecs-execute-command-1?role=publish_subscribe';

export function harness(o: HarnessOptions = {}) {
  const deps = testDeps(o.seed ?? 42);
  const peer = new PeerAgent({
    clock: deps.clock,
    ids: counterIds('aaaaaaaa-0000-4000-8000-'),
    tokens: ['token-0'],
    handshake: o.handshake,
    faults: o.faults,
  });
  const transport = new FakeTransport((link) => peer.attach(link));
  let resumes = 0;
  const resume =
    o.resume === 'tokens'
      ? async () => {
          const tokenValue = `token-${++resumes}`;
          peer.addToken(tokenValue);
          return { tokenValue };
        }
      : o.resume === 'gone'
        ? async () => undefined
        : undefined;
  const session = openSession(
    { sessionId: 'ecs-execute-command-1', streamUrl: STREAM_URL, tokenValue: 'token-0' },
    { transport, deps, ...(resume ? { resume } : {}), ...o.session },
  );
  const chunks: Uint8Array[] = [];
  const drained = (async () => {
    for await (const c of session.output) chunks.push(c);
  })();
  let end: SessionEnd | undefined;
  void session.ended.then((e) => {
    end = e;
  });
  return {
    deps,
    peer,
    transport,
    session,
    output: () => Buffer.concat(chunks),
    get end() {
      return end;
    },
    /** Advances the manual clock until the session ended (or `limitMs` of logical time passed). */
    async runUntilEnded(limitMs = 60_000): Promise<SessionEnd> {
      for (let t = 0; t < limitMs && end === undefined; t += 50) await deps.clock.advanceAsync(50, 10);
      if (end === undefined)
        throw new Error(`session did not end within ${limitMs} ms (phase ${session.phase})`);
      await drained;
      peer.dispose();
      return end;
    },
    async run(ms: number): Promise<void> {
      await deps.clock.advanceAsync(ms, 10);
    },
  };
}

export const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** Deterministic pseudo-random bytes. */
export function bytesOf(n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}
