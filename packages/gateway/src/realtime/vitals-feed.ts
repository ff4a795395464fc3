import { type VitalsEnvelope, type VitalsEventData, toIso } from '@vigil/contracts';
import type { VitalsFeed } from '@vigil/engine';
import type { Clock } from '@vigil/runtime';
import type { GatewayMetrics } from '../metrics.ts';
import { type VigilServer, vitalsRoom } from './types.ts';

/** Contract §2: `vitals` at most once per second per resident. */
export const VITALS_MIN_INTERVAL_MS = 1000;

interface Throttle {
  lastSentAt: number;
  pending?: { facilityId: string; data: VitalsEventData };
  cancel?: () => void;
}

/**
 * Live vitals to the sockets that subscribed (`vitals:{residentId}` rooms). Throttled per resident with
 * a trailing send: the first sample goes out at once, samples inside the next second replace each
 * other, and the latest is sent when the second is over, so a board never shows a stale value.
 */
export function createVitalsFeed(
  io: VigilServer,
  clock: Clock,
  stats: GatewayMetrics,
  lastLoggedId: () => string | null,
): VitalsFeed & { close(): void } {
  const throttles = new Map<string, Throttle>();
  let n = 0;

  const send = (facilityId: string, data: VitalsEventData) => {
    const envelope: VitalsEnvelope = {
      // Not logged: the id embeds the newest logged id (see replay.ts normaliseLastEventId).
      id: `${lastLoggedId() ?? '0-0'}-v${++n}`,
      type: 'vitals.sample',
      at: toIso(clock.now()),
      facilityId,
      data,
    };
    const room = vitalsRoom(data.residentId);
    stats.eventEmitted('vitals', io.of('/').adapter.rooms.get(room)?.size ?? 0);
    io.local.to(room).emit('vitals', envelope);
  };

  return {
    publish(facilityId, data) {
      // Nobody watching this resident on this gateway: nothing to throttle or send.
      if (!io.of('/').adapter.rooms.get(vitalsRoom(data.residentId))?.size) return;
      const t = throttles.get(data.residentId) ?? { lastSentAt: Number.NEGATIVE_INFINITY };
      throttles.set(data.residentId, t);
      const now = clock.now();
      if (!t.cancel && now - t.lastSentAt >= VITALS_MIN_INTERVAL_MS) {
        t.lastSentAt = now;
        send(facilityId, data);
        return;
      }
      t.pending = { facilityId, data };
      t.cancel ??= clock.setTimeout(
        () => {
          t.cancel = undefined;
          const p = t.pending;
          t.pending = undefined;
          if (!p) return;
          t.lastSentAt = clock.now();
          send(p.facilityId, p.data);
        },
        t.lastSentAt + VITALS_MIN_INTERVAL_MS - now,
      );
    },
    close() {
      for (const t of throttles.values()) t.cancel?.();
      throttles.clear();
    },
  };
}
