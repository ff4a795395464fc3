import { healthVisibleTo, type Resident } from '@vigil/contracts';
import { STALE_MS } from '../ranges.ts';
import type { LatestVitals } from '../store.ts';
import type { WardEntry } from './urgency.ts';

/** The wearable's vitals: the ones whose age says whether we can still see the resident. */
export const WEARABLE_VITALS = ['hr', 'spo2', 'rr', 'temp'] as const;

/** Time of the newest wearable reading, or undefined when there has been none. */
export function lastReadingAt(v: LatestVitals | undefined): number | undefined {
  const ts = Math.max(...WEARABLE_VITALS.map((k) => v?.values[k]?.ts ?? Number.NEGATIVE_INFINITY));
  return Number.isFinite(ts) ? ts : undefined;
}

export interface OpenAlertLike {
  id: string;
  priority: NonNullable<WardEntry['alert']>;
}

/**
 * One resident as the grid ranks and filters them. Vitals the resident does not share with this user
 * (contract §4.3) count as neither stale nor off the wrist: we are not meant to know.
 */
export function toEntry(
  r: Resident,
  v: LatestVitals | undefined,
  open: readonly OpenAlertLike[],
  nowMs: number,
  user: Parameters<typeof healthVisibleTo>[0] | undefined,
): WardEntry {
  const shared = !user || healthVisibleTo(user, r);
  const last = lastReadingAt(v);
  return {
    id: r.id,
    name: r.name,
    roomId: r.roomId,
    zoneId: r.zoneId,
    // `open` comes most urgent first (store.ts alertsByResident).
    alert: open[0]?.priority,
    highAlertIds: open.filter((a) => a.priority === 'high').map((a) => a.id),
    risk: shared ? v?.news2?.risk : undefined,
    stale: shared && (last === undefined || nowMs - last > STALE_MS),
    notWorn: shared && v?.worn?.v === false,
  };
}
