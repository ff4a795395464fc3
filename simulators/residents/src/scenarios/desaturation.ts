import { Episode } from './episode.ts';
import type { WearableScenario } from './types.ts';

export const desaturation: WearableScenario = {
  name: 'desaturation',
  description: 'SpO2 falls to 85–88 % with compensatory faster breathing and pulse, then recovers.',
  deviceKind: 'wearable',
  create(ctx) {
    const { rng } = ctx;
    const episode = new Episode(ctx);
    const nadir = rng.float(85, 88);
    return {
      step(slot) {
        const { level } = episode.update(slot.atMs);
        const r = slot.resident;
        r.offsets.spo2 = level * (nadir - r.baseline.spo2);
        r.offsets.rr = level * 5;
        r.offsets.hr = level * 12;
        slot.sample();
      },
    };
  },
};
