import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Aedes } from 'aedes';
import { createWebSocketStream, WebSocketServer } from 'ws';
import { guardPacketSize } from './packet-size-guard.ts';

export interface WebSocketAttachment {
  close(): Promise<void>;
}

/**
 * MQTT over WebSocket on `path` of an existing HTTP server (contract §1: `/mqtt` is welcome).
 * Upgrades for other paths (Socket.IO's) are left alone for their own handler.
 */
export function attachMqttWebSocket(
  aedes: Aedes,
  server: Server,
  opts: { path?: string; maxPacketBytes: number; onOversized: () => void },
): WebSocketAttachment {
  const path = opts.path ?? '/mqtt';
  // maxPayload bounds one WebSocket frame; the scanner bounds one MQTT packet across frames.
  const wss = new WebSocketServer({ noServer: true, maxPayload: opts.maxPacketBytes + 8 });
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (pathname !== path) return;
    (socket as Socket).setNoDelay?.(true); // same reason as TCP (server.ts)
    wss.handleUpgrade(req, socket, head, (ws) => {
      const stream = createWebSocketStream(ws);
      // aedes listens on the stream too and reports the error as `clientError` or `connectionError`
      // (logged at debug in broker.ts); this handler only makes sure a broken WebSocket is torn down.
      stream.on('error', () => stream.destroy());
      aedes.handle(stream, req);
      guardPacketSize(stream, opts.maxPacketBytes, opts.onOversized);
    });
  };
  server.on('upgrade', onUpgrade);
  return {
    close: () =>
      new Promise((resolve) => {
        server.off('upgrade', onUpgrade);
        for (const ws of wss.clients) ws.terminate();
        wss.close(() => resolve());
      }),
  };
}
