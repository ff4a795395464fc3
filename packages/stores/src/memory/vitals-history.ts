import type { LatestVitals, VitalsHistory, VitalsPoint } from '../types.ts';

const NUMERIC = ['hr', 'spo2', 'rr', 'sbp', 'dbp', 'temp', 'battery', 'steps'] as const;

/** A resident's share of the budget never drops below this (a minute or two of a wristband). */
const MIN_SHARE = 100;

/**
 * Bounded in-memory history: a ring per resident (architecture.md embedded default). Points arrive
 * mostly in order; a late point (store-and-forward) is inserted at its place. Bounded twice (issue 12
 * "bounded state"): at most `capacityPerResident` points each, and about `maxPoints` in all, shared
 * evenly among the residents (a ring is cut to its share when it next grows), so memory stays flat
 * however many residents publish; `trimBefore` drops points by age. Long history at scale belongs in
 * a TSDB (`INFLUX_URL`).
 */
export class MemoryVitalsHistory implements VitalsHistory {
  private readonly rings = new Map<string, VitalsPoint[]>();
  private readonly latestByResident = new Map<string, LatestVitals>();
  constructor(
    private readonly capacityPerResident = 20_000,
    private readonly maxPoints = 1_000_000,
  ) {}

  private shareOfBudget(): number {
    return Math.min(this.capacityPerResident, Math.max(MIN_SHARE, Math.floor(this.maxPoints / this.rings.size)));
  }

  async append(residentId: string, point: VitalsPoint) {
    let ring = this.rings.get(residentId);
    if (!ring) {
      ring = [];
      this.rings.set(residentId, ring);
    }
    let i = ring.length;
    while (i > 0 && (ring[i - 1]?.ts ?? 0) > point.ts) i--;
    ring.splice(i, 0, { ...point });
    const share = this.shareOfBudget();
    if (ring.length > share) ring.splice(0, ring.length - share);

    let latest = this.latestByResident.get(residentId);
    if (!latest) {
      latest = { residentId, values: {} };
      this.latestByResident.set(residentId, latest);
    }
    // Latest by device timestamp, so a late store-and-forward batch never overwrites newer values.
    for (const k of NUMERIC) {
      const v = point[k];
      const prev = latest.values[k];
      if (v !== undefined && (!prev || prev.ts <= point.ts)) latest.values[k] = { v, ts: point.ts };
    }
    if (point.consciousness !== undefined && (!latest.consciousness || latest.consciousness.ts <= point.ts)) {
      latest.consciousness = { v: point.consciousness, ts: point.ts };
    }
    if (point.onOxygen !== undefined && (!latest.onOxygen || latest.onOxygen.ts <= point.ts)) {
      latest.onOxygen = { v: point.onOxygen, ts: point.ts };
    }
    if (point.worn !== undefined && (!latest.worn || latest.worn.ts <= point.ts)) {
      latest.worn = { v: point.worn, ts: point.ts };
    }
  }

  async latest(residentId: string) {
    const l = this.latestByResident.get(residentId);
    return l && structuredClone(l);
  }

  async trimBefore(residentId: string, before: number) {
    const ring = this.rings.get(residentId);
    if (!ring) return 0;
    let drop = 0;
    while (drop < ring.length && (ring[drop]?.ts ?? 0) < before) drop++;
    ring.splice(0, drop);
    return drop;
  }

  async range(residentId: string, from: number, to: number) {
    return (this.rings.get(residentId) ?? []).filter((p) => p.ts >= from && p.ts <= to).map((p) => ({ ...p }));
  }
}
