import { HOUR_MS, MINUTE_MS } from '../types.ts';
import { Episode, instantTiming } from './episode.ts';
import type { WearableScenario } from './types.ts';

export const wearOff: WearableScenario = {
  name: 'wear_off',
  description:
    'The wearable is taken off (event wear_off, then samples with worn:false and no vitals) and put back on.',
  deviceKind: 'wearable',
  create(ctx) {
    const episode = new Episode(ctx, instantTiming([20 * MINUTE_MS, 40 * MINUTE_MS], [3 * HOUR_MS, 5 * HOUR_MS]));
    return {
      step(slot) {
        const { phase } = episode.update(slot.atMs);
        const r = slot.resident;
        const worn = phase === 'before';
        if (r.worn && !worn) slot.event('wear_off');
        if (!r.worn && worn) slot.event('wear_on');
        r.worn = worn;
        slot.sample();
      },
    };
  },
};
