import type { LoggedEvent } from '@vigil/contracts';
import type { Stores } from '@vigil/stores';
import { vitalsAccess } from '../emergency-access.ts';
import { type VigilServer, vitalsRoom } from './types.ts';

/**
 * Ends live vitals that only emergency access opened (contract §4.3 "while a `high` alert is open"):
 * called by the fan-out with every alert and task event, after delivering it.
 *
 * Why here and not on each vitals send: emergency access can only end through an alert event (the
 * alert resolved, or its priority changed) or a task event (completed, declined, cancelled, given to
 * someone else), because the alert and task services store the change before they log the event.
 * Those events are rare; vitals samples arrive every second per resident for every watcher, and a
 * check per send would cost store reads on the hottest path. Here the cost is one resident read per
 * alert or task event about a resident someone watches on this gateway, plus the emergency check only
 * for the sockets consent does not cover (usually none). Every gateway tails the whole event log, so
 * each one revokes its own sockets; no adapter round trip is needed.
 *
 * A subscription racing the ending event is closed by the subscriber itself: it joins first, then
 * checks again (socket-server.ts), so either that check sees the change or this one sees the socket.
 */
export async function endEmergencyVitals(
  io: VigilServer,
  stores: Pick<Stores, 'residents' | 'tasks' | 'alerts'>,
  e: LoggedEvent,
): Promise<string[]> {
  if (e.event !== 'alert' && e.event !== 'task') return [];
  const residentId = e.envelope.data.residentId;
  if (residentId === undefined) return [];
  const nsp = io.of('/');
  const room = vitalsRoom(residentId);
  const members = nsp.adapter.rooms.get(room);
  if (!members?.size) return [];
  const resident = await stores.residents.get(residentId);
  const ended: string[] = [];
  for (const id of [...members]) {
    const socket = nsp.sockets.get(id);
    if (!socket?.data.user) continue;
    if (resident && (await vitalsAccess(stores, socket.data.user, resident)).via !== 'none') continue;
    await socket.leave(room);
    ended.push(socket.data.user.id);
  }
  return ended;
}
