import { VitalsEventData } from '@vigil/contracts';
import type { VitalsFeed } from '@vigil/engine';
import type { Logger } from '@vigil/runtime';
import { z } from 'zod';

/**
 * Live vitals between processes (issue 5 "several processes"): an engine worker publishes every judged
 * sample on one Redis pub/sub channel, and every gateway hands what it hears to its own throttled
 * `VitalsFeed`, which sends only to the sockets watching that resident there.
 *
 * Pub/sub, not the event log: a live tile wants the newest value now, never a replay of old ones, and
 * a sample missed during a reconnect is replaced by the next one a second later. Alerts, which must
 * never be missed, travel through the event log.
 */
export const VitalsRelayMessage = z.object({ facilityId: z.string().min(1), data: VitalsEventData });
export type VitalsRelayMessage = z.infer<typeof VitalsRelayMessage>;

/** The one Redis command the publishing side needs (an ioredis client fits). */
export interface RelayPublisher {
  publish(channel: string, message: string): Promise<unknown>;
}

/** A connection in subscriber mode (ioredis: a `duplicate()` of the main client). */
export interface RelaySubscriber {
  subscribe(channel: string): Promise<unknown>;
  unsubscribe(channel: string): Promise<unknown>;
  on(event: 'message', listener: (channel: string, message: string) => void): unknown;
  off(event: 'message', listener: (channel: string, message: string) => void): unknown;
}

/** The engine side: a `VitalsFeed` that publishes instead of sending to sockets. Never throws. */
export function createVitalsPublisher(redis: RelayPublisher, channel: string, logger: Logger): VitalsFeed {
  let failures = 0;
  return {
    publish(facilityId, data) {
      const message: VitalsRelayMessage = { facilityId, data };
      redis.publish(channel, JSON.stringify(message)).catch((err: unknown) => {
        // One line per hundred failures: Redis being away is reported by the stores already.
        if (failures++ % 100 === 0) logger.warn({ err, failures }, 'live vitals not relayed');
      });
    },
  };
}

/**
 * The gateway side: feeds `local` with what engines publish on `channel`. Malformed messages are
 * dropped (and counted in the log), never passed on. Resolves once subscribed; returns the stop.
 */
export async function relayVitals(
  subscriber: RelaySubscriber,
  channel: string,
  local: VitalsFeed,
  logger: Logger,
): Promise<() => Promise<void>> {
  let malformed = 0;
  const listener = (from: string, raw: string) => {
    if (from !== channel) return;
    let parsed: ReturnType<typeof VitalsRelayMessage.safeParse>;
    try {
      parsed = VitalsRelayMessage.safeParse(JSON.parse(raw));
    } catch {
      parsed = VitalsRelayMessage.safeParse(undefined);
    }
    if (!parsed.success) {
      if (malformed++ % 100 === 0) logger.warn({ channel, malformed }, 'malformed live vitals message dropped');
      return;
    }
    local.publish(parsed.data.facilityId, parsed.data.data);
  };
  subscriber.on('message', listener);
  await subscriber.subscribe(channel);
  return async () => {
    subscriber.off('message', listener);
    await subscriber.unsubscribe(channel);
  };
}
