import type { LatestVitals, VitalsPoint } from '@vigil/stores';
import { BOOLEAN_FIELDS, NUMERIC_FIELDS } from './fields.ts';

/**
 * Latest value of each vital per resident as this process appended them: the answer for `latest()`
 * while the writer still batches (the monitor and the board need a value the moment it arrives).
 * Same rule as the memory history: latest by device timestamp, so a late store-and-forward batch
 * never overwrites newer values.
 */
export class LatestCache {
  private readonly byResident = new Map<string, LatestVitals>();

  apply(residentId: string, point: VitalsPoint): void {
    if (!Number.isFinite(point.ts)) return;
    let latest = this.byResident.get(residentId);
    if (!latest) {
      latest = { residentId, values: {} };
      this.byResident.set(residentId, latest);
    }
    const ts = point.ts;
    for (const k of NUMERIC_FIELDS) {
      const v = point[k];
      const prev = latest.values[k];
      if (v !== undefined && (!prev || prev.ts <= ts)) latest.values[k] = { v, ts };
    }
    if (point.consciousness !== undefined && (!latest.consciousness || latest.consciousness.ts <= ts)) {
      latest.consciousness = { v: point.consciousness, ts };
    }
    for (const k of BOOLEAN_FIELDS) {
      const v = point[k];
      const prev = latest[k];
      if (v !== undefined && (!prev || prev.ts <= ts)) latest[k] = { v, ts };
    }
  }

  get(residentId: string): LatestVitals | undefined {
    const l = this.byResident.get(residentId);
    return l && structuredClone(l);
  }
}

const newer = <T extends { ts: number }>(a: T | undefined, b: T | undefined): T | undefined =>
  !a ? b : !b ? a : b.ts > a.ts ? b : a;

/**
 * Per field, the value with the later device timestamp; on a tie the cached one (it is what this
 * process just appended). Undefined when neither side knows the resident.
 */
export function mergeLatest(
  residentId: string,
  cached: LatestVitals | undefined,
  stored: LatestVitals | undefined,
): LatestVitals | undefined {
  if (!cached && !stored) return undefined;
  const out: LatestVitals = { residentId, values: {} };
  for (const k of NUMERIC_FIELDS) {
    const v = newer(cached?.values[k], stored?.values[k]);
    if (v) out.values[k] = { ...v };
  }
  const consciousness = newer(cached?.consciousness, stored?.consciousness);
  if (consciousness) out.consciousness = { ...consciousness };
  for (const k of BOOLEAN_FIELDS) {
    const v = newer(cached?.[k], stored?.[k]);
    if (v) out[k] = { ...v };
  }
  return out;
}

/**
 * Stored points and points still in the write buffer, in timestamp order. A TSDB keeps one point per
 * series and timestamp (a second write merges its fields into the first), so points with the same
 * timestamp merge here too, the buffered ones winning: what the TSDB will hold once they land. Rows
 * of one time from two series of the resident (its facility tag changed) become one point as well.
 */
export function mergePoints(stored: readonly VitalsPoint[], buffered: readonly VitalsPoint[]): VitalsPoint[] {
  const byTs = new Map<number, VitalsPoint>();
  for (const p of [...stored, ...buffered]) {
    const prev = byTs.get(p.ts);
    byTs.set(p.ts, prev ? { ...prev, ...p } : { ...p });
  }
  return [...byTs.values()].sort((a, b) => a.ts - b.ts);
}
