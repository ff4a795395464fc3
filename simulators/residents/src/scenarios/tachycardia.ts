import { Episode } from './episode.ts';
import type { WearableScenario } from './types.ts';

export const tachycardia: WearableScenario = {
  name: 'tachycardia',
  description: 'Heart rate ramps to 130–150 bpm over minutes, holds ~30–45 min, then recovers.',
  deviceKind: 'wearable',
  create(ctx) {
    const { rng } = ctx;
    const episode = new Episode(ctx);
    // Aim above 135 so the peak stays in NEWS2's top pulse band (≥131) even with the night dip.
    const peakHr = rng.float(138, 150);
    return {
      step(slot) {
        const { level } = episode.update(slot.atMs);
        const r = slot.resident;
        r.offsets.hr = level * (peakHr - r.baseline.hr);
        r.offsets.rr = level * 3;
        slot.sample();
      },
    };
  },
};
