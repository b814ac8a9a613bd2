/**
 * The sending side of the datachannel benchmark, in a worker thread so its CPU does not count
 * against the client. It pre-encodes the output frames once, then serves them on 127.0.0.1:0:
 * - `/frames`: waits for the open-data-channel text frame, sends every frame, then channel_closed,
 *   then ends TCP (1006), like the service after a command ends.
 * - `/raw`: sends the same bytes as plain binary messages and closes (the ceiling).
 * Sends respect backpressure (pause above 8 MB buffered). The client's acks are read and ignored
 * (this rig never resends).
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import { type WebSocket, WebSocketServer } from 'ws';
import {
  buildControlMessage,
  buildOutputStreamMessage,
  encodeAgentMessage,
  encodeChannelClosedPayload,
  MessageType,
  PayloadType,
} from '../src/protocol/index.js';
import { pattern } from './pattern.js';

const { totalBytes, chunkBytes } = workerData as { totalBytes: number; chunkBytes: number };

const frames: Uint8Array[] = [];
const now = Date.now();
for (let at = 0, seq = 0n; at < totalBytes; at += chunkBytes, seq++) {
  const payload = pattern(Math.min(chunkBytes, totalBytes - at), Number(seq) + 1);
  frames.push(
    encodeAgentMessage(
      buildOutputStreamMessage(seq, PayloadType.Output, payload, {
        messageId: randomUUID(),
        createdDate: now,
      }),
    ),
  );
}
const closed = encodeAgentMessage(
  buildControlMessage(
    MessageType.ChannelClosed,
    encodeChannelClosedPayload({
      messageId: randomUUID(),
      createdDate: new Date().toISOString(),
      destinationId: 'bench',
      sessionId: 'bench',
      schemaVersion: 1,
      output: '',
    }),
    { messageId: randomUUID(), createdDate: now },
  ),
);

async function sendAll(ws: WebSocket, socket: Socket): Promise<void> {
  for (const f of frames) {
    ws.send(f, { binary: true });
    if (ws.bufferedAmount > 8 << 20) await new Promise((r) => socket.once('drain', r));
  }
}

const server = createServer();
const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
server.on('upgrade', (req, socket, head) => {
  wss.handleUpgrade(req, socket, head, (ws) => {
    ws.on('error', () => {});
    const s = socket as Socket;
    if (req.url?.startsWith('/raw')) {
      void sendAll(ws, s).then(() => ws.close(1000));
      return;
    }
    let opened = false;
    ws.on('message', (_data, isBinary) => {
      if (opened || isBinary) return;
      opened = true; // acks that follow are read (as the service does) and ignored
      void sendAll(ws, s).then(() => {
        ws.send(closed, { binary: true });
        s.end();
      });
    });
  });
});
server.listen(0, '127.0.0.1', () => {
  parentPort?.postMessage({ port: (server.address() as AddressInfo).port, frames: frames.length });
});
parentPort?.on('message', (m) => {
  if (m === 'stop') {
    wss.close();
    server.close();
    server.closeAllConnections();
    parentPort?.close();
  }
});
