#!/usr/bin/env tsx
/**
 * The caregiver boards: M Socket.IO sockets logged in as one on-duty caregiver of the facility, in a
 * process of their own (forked by run.ts). Each `alert.raised` of an SOS is stamped on the machine's
 * monotonic clock as it arrives, so run.ts can subtract the press time the fleet stamped on the same
 * clock. Like the real board (dashboards/board/src/live.ts) a socket that drops reconnects with its
 * `lastEventId` and the gateway replays what it missed: a press is then timed to its replay, as a
 * caregiver would see it. Optionally each socket watches live vitals of some residents, as tiles do.
 */
import type { ClientToServerEvents, ServerToClientEvents } from '@vigil/contracts';
import { io, type Socket } from 'socket.io-client';
import { type BoardOrder, type BoardReport, monoMs, serveOrders } from './ipc.ts';
import { mapPool } from './pool.ts';

type BoardSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const sockets: BoardSocket[] = [];
const report: BoardReport = { arrivals: [], vitalsEvents: 0, otherEvents: 0, disconnects: 0 };
let closing = false;

function openBoard(order: BoardOrder, n: number): Promise<BoardSocket> {
  // Position in the event log: from logged events and `sync`, never from live vitals (live.ts).
  let lastEventId: string | undefined;
  const track = (id: string) => {
    lastEventId = id;
  };
  const socket: BoardSocket = io(order.baseUrl, {
    auth: (cb) => cb(lastEventId === undefined ? { token: order.token } : { token: order.token, lastEventId }),
    transports: ['websocket'],
    reconnectionDelay: 500,
    reconnectionDelayMax: 5_000,
  });
  socket.on('alert', (e) => {
    const at = monoMs();
    track(e.id);
    if (e.type === 'alert.raised' && e.data.kind === 'sos' && e.data.deviceId)
      report.arrivals.push({ deviceId: e.data.deviceId, socket: n, atMono: at });
    else report.otherEvents++;
  });
  for (const name of ['task', 'sla', 'device'] as const)
    socket.on(name, (e: { id: string }) => {
      track(e.id);
      report.otherEvents++;
    });
  socket.on('sync', (e) => {
    if (e.data.lastEventId) lastEventId = e.data.lastEventId;
  });
  socket.on('vitals', () => {
    report.vitalsEvents++;
  });
  socket.on('disconnect', () => {
    if (!closing) report.disconnects++;
  });
  // Watching is per connection: asked again after every reconnection, as the board does.
  socket.on('connect', () => {
    if (order.watch.length > 0) socket.emit('subscribe:vitals', { residentIds: order.watch });
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

serveOrders(async (order) => {
  switch (order.cmd) {
    case 'open-boards': {
      const start = performance.now();
      const opened = await mapPool(
        Array.from({ length: order.sockets }, (_, n) => n),
        50,
        (n) => openBoard(order, n),
      );
      sockets.push(...opened);
      return { event: 'board-connected', seconds: (performance.now() - start) / 1000 };
    }
    case 'report':
      return { event: 'report', report };
    case 'close':
      closing = true;
      for (const s of sockets) s.close();
      process.exit(0);
      return undefined;
    default:
      throw new Error(`board: unexpected order ${order.cmd}`);
  }
});
