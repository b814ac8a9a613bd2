/**
 * `npm run bench -- datachannel`
 *
 * 1. Throughput: 40 MB of command output (1024-byte frames, as the agent sends) through a loopback
 *    peer in a worker thread. Our client (decode, digest check, ack every frame, reorder, output
 *    queue) vs. the raw ceiling: the same bytes over a bare `ws` connection, counted and dropped.
 *    One warm-up round each, then best of 5, interleaved; prints both MB/s and the ratio (target ≥ 0.5).
 * 2. Fuzz: ≥ 100,000 mutated frames through the decoder (lenient and strict) and 20,000 through a
 *    live session; zero untyped errors allowed.
 */
import { createHash } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import WebSocket from 'ws';
import { wsTransport } from '../src/aws/ws-transport.js';
import { systemDeps } from '../src/deps.js';
import { isDiagError } from '../src/errors.js';
import {
  type AgentMessageInit,
  buildAcknowledge,
  buildControlMessage,
  buildOutputStreamMessage,
  decodeAgentMessage,
  encodeAgentMessage,
  encodeChannelClosedPayload,
  encodeHandshakeRequestPayload,
  MessageType,
  PayloadType,
} from '../src/protocol/index.js';
import { openSession } from '../src/session/index.js';
import type { Transport, TransportConnection } from '../src/session/transport.js';
import { pattern } from './pattern.js';

const TOTAL = 40 * 1024 * 1024;
const CHUNK = 1024;
const ROUNDS = 5;
const FUZZ_FRAMES = 100_000;
const FUZZ_SESSION_FRAMES = 20_000;

/** Runs the benchmark. */
export async function run(): Promise<void> {
  const peer = await startPeer();
  try {
    const raw: number[] = [];
    const ours: number[] = [];
    // One unmeasured round each warms up the JIT on both paths.
    await rawRun(peer.port);
    await clientRun(peer.port);
    for (let i = 0; i < ROUNDS; i++) {
      raw.push(await rawRun(peer.port));
      ours.push(await clientRun(peer.port));
    }
    const bestRaw = Math.max(...raw);
    const bestOurs = Math.max(...ours);
    const ratio = bestOurs / bestRaw;
    print(`output: ${TOTAL / 1024 / 1024} MB in ${peer.frames} frames of ${CHUNK} B, best of ${ROUNDS}`);
    print(`raw ws ceiling : ${bestRaw.toFixed(1)} MB/s   (runs: ${raw.map((r) => r.toFixed(1)).join(', ')})`);
    print(
      `ecs-diag client: ${bestOurs.toFixed(1)} MB/s   (runs: ${ours.map((r) => r.toFixed(1)).join(', ')})`,
    );
    const paired = ours.map((o, i) => o / (raw[i] as number)).sort((a, b) => a - b);
    const median = paired[Math.floor(paired.length / 2)] as number;
    print(
      `ratio          : ${ratio.toFixed(2)} best/best   (target ≥ 0.50) ${ratio >= 0.5 ? 'OK' : 'BELOW TARGET'}`,
    );
    print(`paired ratios  : ${paired.map((r) => r.toFixed(2)).join(', ')}   (median ${median.toFixed(2)})`);
  } finally {
    await peer.stop();
  }
  const fuzz = fuzzCodec(FUZZ_FRAMES);
  print(
    `fuzz codec     : ${fuzz.frames} mutated frames × (lenient + strict): ${fuzz.ok} decoded, ${fuzz.coded} coded errors, ${fuzz.untyped} untyped errors`,
  );
  const live = await fuzzSession(FUZZ_SESSION_FRAMES);
  print(
    `fuzz session   : ${live.frames} mutated frames into a live session: ${live.untyped} untyped errors, ended ${live.end}`,
  );
  if (fuzz.untyped > 0 || live.untyped > 0) process.exitCode = 1;
}

function print(line: string): void {
  process.stdout.write(`${line}\n`);
}

// --- throughput -----------------------------------------------------------------------------

async function startPeer(): Promise<{ port: number; frames: number; stop(): Promise<void> }> {
  const worker = new Worker(new URL('./datachannel-peer.js', import.meta.url), {
    workerData: { totalBytes: TOTAL, chunkBytes: CHUNK },
  });
  const ready = await new Promise<{ port: number; frames: number }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return {
    ...ready,
    stop: async () => {
      worker.postMessage('stop');
      await worker.terminate();
    },
  };
}

/** MB/s of the bare ws path: count payload bytes until the peer closes. */
function rawRun(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    let bytes = 0;
    const ws = new WebSocket(`ws://127.0.0.1:${port}/raw`, { perMessageDeflate: false });
    ws.binaryType = 'nodebuffer';
    ws.on('message', (data: Buffer) => {
      bytes += data.length - 120;
    });
    ws.on('error', reject);
    ws.on('close', () => {
      if (bytes !== TOTAL) reject(new Error(`raw run got ${bytes} bytes, expected ${TOTAL}`));
      else resolve(TOTAL / 1024 / 1024 / ((performance.now() - start) / 1000));
    });
  });
}

/** MB/s of our client: open, consume the output, end on channel_closed; checks the sha256. */
async function clientRun(port: number): Promise<number> {
  const start = performance.now();
  const session = openSession(
    { sessionId: 'bench', streamUrl: `ws://127.0.0.1:${port}/frames`, tokenValue: 'bench' },
    { transport: wsTransport(), deps: systemDeps() },
  );
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of session.output) {
    bytes += chunk.length;
    hash.update(chunk);
  }
  const end = await session.ended;
  const seconds = (performance.now() - start) / 1000;
  if (end.kind !== 'completed' || bytes !== TOTAL) {
    throw new Error(`client run ended ${end.kind} after ${bytes} bytes`);
  }
  if (hash.digest('hex') !== expectedDigest())
    throw new Error('client run: output differs from what was sent');
  return TOTAL / 1024 / 1024 / seconds;
}

let expected: string | undefined;
function expectedDigest(): string {
  if (expected) return expected;
  const hash = createHash('sha256');
  for (let at = 0, seq = 1; at < TOTAL; at += CHUNK, seq++)
    hash.update(pattern(Math.min(CHUNK, TOTAL - at), seq));
  expected = hash.digest('hex');
  return expected;
}

// --- fuzz -----------------------------------------------------------------------------------

/** A small xorshift PRNG so fuzz runs are reproducible. */
function prng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

const ID = '11111111-2222-3333-4444-555555555555';
const stamp = { messageId: ID, createdDate: 1_700_000_000_000 };

function seedFrames(): Uint8Array[] {
  const inits: AgentMessageInit[] = [
    buildOutputStreamMessage(0n, PayloadType.Output, new TextEncoder().encode('hello\r\n'), stamp),
    buildOutputStreamMessage(1n, PayloadType.Output, pattern(1024, 9), stamp),
    buildAcknowledge({ messageType: 'output_stream_data', messageId: ID, sequenceNumber: 3n }, stamp),
    buildControlMessage(
      MessageType.ChannelClosed,
      encodeChannelClosedPayload({
        messageId: ID,
        createdDate: 'x',
        destinationId: 'd',
        sessionId: 's',
        schemaVersion: 1,
        output: 'bye',
      }),
      stamp,
    ),
    buildOutputStreamMessage(
      2n,
      PayloadType.HandshakeRequest,
      encodeHandshakeRequestPayload({
        agentVersion: '3',
        requestedClientActions: [
          { actionType: 'SessionType', actionParameters: { SessionType: 'InteractiveCommands' } },
        ],
      }),
      stamp,
    ),
    buildOutputStreamMessage(
      3n,
      PayloadType.HandshakeComplete,
      new TextEncoder().encode('{"CustomerMessage":1}'),
      stamp,
    ),
    buildControlMessage(MessageType.PausePublication, new Uint8Array(), stamp),
  ];
  return inits.map(encodeAgentMessage);
}

function mutate(frame: Uint8Array, random: () => number): Uint8Array {
  const pick = random();
  let b = frame.slice();
  const edits = 1 + Math.floor(random() * 6);
  if (pick < 0.5) {
    for (let i = 0; i < edits; i++) b[Math.floor(random() * b.length)] = Math.floor(random() * 256);
  } else if (pick < 0.65) {
    b = b.slice(0, Math.floor(random() * b.length));
  } else if (pick < 0.75) {
    const extra = new Uint8Array(Math.floor(random() * 64)).map(() => Math.floor(random() * 256));
    b = new Uint8Array([...b, ...extra]);
  } else if (pick < 0.9) {
    // Header fields: header length, payload length, payload type, created date.
    const view = new DataView(b.buffer);
    const field = [0, 116, 112, 40][Math.floor(random() * 4)] ?? 0;
    view.setUint32(field, Math.floor(random() * 2 ** 32));
  } else {
    b = new Uint8Array(Math.floor(random() * 300)).map(() => Math.floor(random() * 256));
  }
  return b;
}

function fuzzCodec(n: number): { frames: number; ok: number; coded: number; untyped: number } {
  const seeds = seedFrames();
  const random = prng(0xdecaf);
  let ok = 0;
  let coded = 0;
  let untyped = 0;
  for (let i = 0; i < n; i++) {
    const frame = mutate(seeds[i % seeds.length] as Uint8Array, random);
    for (const strict of [false, true]) {
      try {
        const r = decodeAgentMessage(frame, { strict });
        if (r.ok) ok++;
        else if (isDiagError(r.error) && r.error.code.startsWith('PROTO_')) coded++;
        else untyped++;
      } catch {
        untyped++;
      }
    }
  }
  return { frames: n, ok, coded, untyped };
}

/** Feeds mutated frames into a live session through an in-memory transport. */
async function fuzzSession(n: number): Promise<{ frames: number; untyped: number; end: string }> {
  const seeds = seedFrames().filter((_f, i) => i !== 3); // keep channel_closed out so it runs through
  const random = prng(0xbeef);
  let untyped = 0;
  let deliver: ((d: Uint8Array) => void) | undefined;
  const conn: TransportConnection = {
    sendText: () => {},
    sendBinary: () => {},
    ping: () => {},
    onMessage: (cb) => {
      deliver = cb;
    },
    onClose: () => {},
    close: () => {},
    terminate: () => {},
  };
  const transport: Transport = { connect: async () => conn };
  const session = openSession(
    { sessionId: 'fuzz', streamUrl: 'mem://fuzz', tokenValue: 't' },
    { transport, deps: systemDeps() },
  );
  const draining = (async () => {
    for await (const _ of session.output);
  })();
  while (!deliver) await new Promise((r) => setImmediate(r));
  for (let i = 0; i < n; i++) {
    try {
      deliver(mutate(seeds[i % seeds.length] as Uint8Array, random));
    } catch {
      untyped++;
    }
    if (i % 1000 === 0) await new Promise((r) => setImmediate(r));
  }
  session.close('fuzz done');
  const end = await session.ended;
  await draining;
  return { frames: n, untyped, end: end.kind === 'failed' ? `failed (${end.error.code})` : end.kind };
}
