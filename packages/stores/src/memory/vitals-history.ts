import type { LatestVitals, VitalsHistory, VitalsPoint } from '../types.ts';
import { VitalsSeries } from './vitals-series.ts';

const NUMERIC = ['hr', 'spo2', 'rr', 'sbp', 'dbp', 'temp', 'battery', 'steps'] as const;

/** A resident's share of the budget never drops below this (a minute or two of a wristband). */
const MIN_SHARE = 100;

/**
 * Bounded in-memory history: a series of numeric rows per resident (architecture.md embedded default;
 * vitals-series.ts says why not objects). Points arrive mostly in order; a late point
 * (store-and-forward) is inserted at its place. Bounded twice (issue 12
 * "bounded state"): at most `capacityPerResident` points each, and about `maxPoints` in all, shared
 * evenly among the residents (a series is cut to its share when it next grows), so memory stays flat
 * however many residents publish; `trimBefore` drops points by age. Long history at scale belongs in
 * a TSDB (`INFLUX_URL`).
 */
export class MemoryVitalsHistory implements VitalsHistory {
  private readonly series = new Map<string, VitalsSeries>();
  private readonly latestByResident = new Map<string, LatestVitals>();
  constructor(
    private readonly capacityPerResident = 20_000,
    private readonly maxPoints = 1_000_000,
  ) {}

  private shareOfBudget(): number {
    return Math.min(this.capacityPerResident, Math.max(MIN_SHARE, Math.floor(this.maxPoints / this.series.size)));
  }

  async append(residentId: string, point: VitalsPoint) {
    let ring = this.series.get(residentId);
    if (!ring) {
      ring = new VitalsSeries();
      this.series.set(residentId, ring);
    }
    ring.insert(point);
    ring.keepNewest(this.shareOfBudget());

    let latest = this.latestByResident.get(residentId);
    if (!latest) {
      latest = { residentId, values: {} };
      this.latestByResident.set(residentId, latest);
    }
    // Latest by device timestamp, so a late store-and-forward batch never overwrites newer values.
    for (const k of NUMERIC) {
      const v = point[k];
      if (v === undefined) continue;
      const prev = latest.values[k];
      // Updated in place: `latest` hands out copies, and a new object per vital per sample would
      // live just long enough (until the next sample) to be promoted and collected as old garbage.
      if (!prev) latest.values[k] = { v, ts: point.ts };
      else if (prev.ts <= point.ts) {
        prev.v = v;
        prev.ts = point.ts;
      }
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
    const ring = this.series.get(residentId);
    if (!ring) return 0;
    const drop = ring.countBefore(before);
    ring.dropOldest(drop);
    return drop;
  }

  async erase(residentId: string) {
    this.series.delete(residentId);
    this.latestByResident.delete(residentId);
  }

  async range(residentId: string, from: number, to: number) {
    return this.series.get(residentId)?.range(from, to) ?? [];
  }
}
