import { HOUR_MS, MINUTE_MS } from '../types.ts';
import { Episode, instantTiming } from './episode.ts';
import type { WearableScenario } from './types.ts';

export const sos: WearableScenario = {
  name: 'sos',
  description: 'The resident presses SOS (location = zone/room); about half the presses are cancelled 15–90 s later.',
  deviceKind: 'wearable',
  create(ctx) {
    const { rng } = ctx;
    const episode = new Episode(ctx, instantTiming([MINUTE_MS, MINUTE_MS], [HOUR_MS, 3 * HOUR_MS]));
    let fired = -1;
    let cancelAtMs: number | undefined;
    let pressedAtMs = Number.NEGATIVE_INFINITY;
    return {
      step(slot) {
        const { phase, index } = episode.update(slot.atMs);
        if (phase !== 'before' && index !== fired) {
          fired = index;
          slot.event('sos', slot.place);
          cancelAtMs = rng.chance(0.5) ? slot.atMs + rng.float(15_000, 90_000) : undefined;
          pressedAtMs = slot.atMs;
        } else if (cancelAtMs !== undefined && slot.atMs >= cancelAtMs) {
          cancelAtMs = undefined;
          slot.event('sos_cancel', slot.place);
        }
        // Anxiety: a modest pulse rise fading over ten minutes.
        slot.resident.offsets.hr = 12 * Math.max(0, 1 - (slot.atMs - pressedAtMs) / (10 * MINUTE_MS));
        slot.sample();
      },
    };
  },
};
