import { HOUR_MS, MINUTE_MS } from '../types.ts';
import { Episode, instantTiming } from './episode.ts';
import type { WearableScenario } from './types.ts';

export const batch: WearableScenario = {
  name: 'batch',
  description:
    'Store-and-forward: the connection drops (Last Will), samples are buffered for 5–20 min, then sent as {"samples":[…]} after reconnecting.',
  deviceKind: 'wearable',
  create(ctx) {
    const outage = new Episode(ctx, instantTiming([5 * MINUTE_MS, 20 * MINUTE_MS], [HOUR_MS, 2 * HOUR_MS]));
    return {
      step(slot) {
        const { phase } = outage.update(slot.atMs);
        const offline = phase !== 'before';
        if (offline && slot.online) slot.drop();
        if (!offline && !slot.online) slot.reconnect();
        // Measured either way; the device buffers while offline.
        slot.sample();
      },
    };
  },
};
