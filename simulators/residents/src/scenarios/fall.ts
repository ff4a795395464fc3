import { HOUR_MS, MINUTE_MS } from '../types.ts';
import { Episode, instantTiming } from './episode.ts';
import type { WearableScenario } from './types.ts';

export const fall: WearableScenario = {
  name: 'fall',
  description: 'A fall is detected (event "fall" with zone/room); some residents then press SOS; pulse rises briefly.',
  deviceKind: 'wearable',
  create(ctx) {
    const { rng } = ctx;
    const episode = new Episode(ctx, instantTiming([10 * MINUTE_MS, 10 * MINUTE_MS], [2 * HOUR_MS, 4 * HOUR_MS]));
    let fired = -1;
    let sosAtMs: number | undefined;
    return {
      step(slot) {
        const { phase, level, index } = episode.update(slot.atMs);
        const r = slot.resident;
        if (phase !== 'before' && index !== fired) {
          fired = index;
          slot.event('fall', slot.place);
          r.requestSpotCheck();
          sosAtMs = rng.chance(0.3) ? slot.atMs + rng.float(20_000, 60_000) : undefined;
        } else if (sosAtMs !== undefined && slot.atMs >= sosAtMs) {
          sosAtMs = undefined;
          slot.event('sos', slot.place);
        }
        r.offsets.hr = level * 15;
        slot.sample();
      },
    };
  },
};
