import { NEWS2_CHART1, type News2Vital, news2Subscore } from '@vigil/contracts';
import type { VitalName } from './store.ts';

/**
 * How far a value is from normal, by the NEWS2 chart 1 rows of the contracts (clinical.md): 0 = the
 * band scoring 0, 1 = a band scoring 1–2, 2 = a band scoring 3 ("red score"); SpO2 on scale 1. Only for
 * highlighting a tile; alerts come from the platform's rules, never from the board.
 */
export type Severity = 0 | 1 | 2;

const charted = (name: VitalName): name is News2Vital => name in NEWS2_CHART1;

export function severity(name: VitalName, v: number): Severity {
  if (!charted(name)) return 0;
  const score = news2Subscore(name, v);
  return score === 3 ? 2 : score > 0 ? 1 : 0;
}

/** Older than this, a value is not "now" any more (brief: stale after 2 min, shown greyed). */
export const STALE_MS = 2 * 60_000;
