import { Episode } from './episode.ts';
import type { WearableScenario } from './types.ts';

export const fever: WearableScenario = {
  name: 'fever',
  description: 'Temperature climbs to 39–39.8 °C with ~10 bpm per °C of pulse; some runs add new confusion.',
  deviceKind: 'wearable',
  create(ctx) {
    const { rng } = ctx;
    const episode = new Episode(ctx);
    // Above 39.1 at the peak: NEWS2 temperature band 2 (≥39.1), margin for the circadian dip.
    const peak = rng.float(39.4, 39.9);
    // Older adults often present with delirium rather than a high fever (ACVPU "C").
    const confusion = rng.chance(0.3);
    return {
      step(slot) {
        const { level, entered } = episode.update(slot.atMs);
        const r = slot.resident;
        const rise = peak - r.baseline.temp;
        r.offsets.temp = level * rise;
        r.offsets.hr = level * rise * 10;
        r.offsets.rr = level * 3;
        if (confusion && entered === 'hold') {
          r.consciousness = 'C';
          r.requestSpotCheck();
        } else if (confusion && entered === 'before') {
          r.consciousness = 'A';
          r.requestSpotCheck();
        }
        slot.sample();
      },
    };
  },
};
