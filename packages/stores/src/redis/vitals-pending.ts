import type { LatestVitals, VitalsPoint } from '../types.ts';

/**
 * What the Redis vitals history does with points appended in this process and not yet written out
 * (write-behind, vitals-history.ts): the fields a write-out sets in the latest hash, and how reads
 * combine what Redis holds with those points so that they answer as if every point were written
 * already (a process reads its own writes; docs/deploy.md "Write-behind").
 */

export const NUMERIC_VITALS = ['hr', 'spo2', 'rr', 'sbp', 'dbp', 'temp', 'battery', 'steps'] as const;
export const LATEST_FIELDS = [...NUMERIC_VITALS, 'consciousness', 'onOxygen', 'worn'] as const;
export type LatestField = (typeof LATEST_FIELDS)[number];
const isNumeric = (f: string) => (NUMERIC_VITALS as readonly string[]).includes(f);

/**
 * Per latest field, the value of the newest point carrying it, by device time; of equal times the
 * later appended wins, as when the points are applied one by one (`<field>:ts` replaced by a point at
 * least as recent). `from` is that point's index. Only these values are written, not one per point.
 */
export function newestPerField(
  points: readonly VitalsPoint[],
): Map<LatestField, { v: unknown; ts: number; from: number }> {
  const out = new Map<LatestField, { v: unknown; ts: number; from: number }>();
  for (const [from, p] of points.entries()) {
    for (const f of LATEST_FIELDS) {
      const v = p[f];
      if (v === undefined) continue;
      const cur = out.get(f);
      if (!cur || cur.ts <= p.ts) out.set(f, { v, ts: p.ts, from });
    }
  }
  return out;
}

/** Sets one field of a `LatestVitals` (numeric vitals under `values`, the others beside it). */
export function setLatest(out: LatestVitals, field: LatestField, entry: { v: unknown; ts: number }): void {
  if (isNumeric(field)) Object.assign(out.values, { [field]: entry });
  else Object.assign(out, { [field]: entry });
}

function getLatest(l: LatestVitals, field: LatestField): { ts: number } | undefined {
  return isNumeric(field) ? l.values[field as (typeof NUMERIC_VITALS)[number]] : l[field as 'worn'];
}

/** The stored latest values with pending points applied after them (the way a write-out will). */
export function withPendingLatest(
  residentId: string,
  stored: LatestVitals | undefined,
  pending: readonly VitalsPoint[],
): LatestVitals | undefined {
  if (pending.length === 0) return stored;
  const out = stored ?? { residentId, values: {} };
  for (const [field, { v, ts }] of newestPerField(pending)) {
    const prev = getLatest(out, field);
    if (!prev || prev.ts <= ts) setLatest(out, field, { v, ts });
  }
  return out;
}

/** A stored history member as read: its raw member (unique), its device time, and the point once opened. */
export interface StoredPoint {
  member: string;
  ts: number;
}

/**
 * Which of the stored points and pending points a write-out of the pending ones would drop for
 * capacity: the oldest by device time (of equal times, stored ones before pending ones, and pending
 * ones in the order appended), `stored + pending - capacity` of them. `storedHead` must be the
 * stored history's lowest-ranked members, at least as many as there are pending points (no more can
 * go, while the stored history is within capacity).
 */
export function evictedByPending(
  storedCount: number,
  storedHead: readonly StoredPoint[],
  pending: readonly VitalsPoint[],
  capacity: number,
): { members: Set<string>; pending: Set<number> } {
  const out = { members: new Set<string>(), pending: new Set<number>() };
  let excess = storedCount + pending.length - capacity;
  if (excess <= 0) return out;
  const order = pending.map((p, i) => ({ ts: p.ts, i })).sort((a, b) => a.ts - b.ts || a.i - b.i);
  let s = 0;
  let q = 0;
  while (excess-- > 0) {
    const head = storedHead[s];
    const next = order[q];
    if (head && (!next || head.ts <= next.ts)) {
      out.members.add(head.member);
      s++;
    } else if (next) {
      out.pending.add(next.i);
      q++;
    } else {
      break;
    }
  }
  return out;
}

/** Stored points then pending ones, by device time (stable: the order above), within [from, to]. */
export function mergeRange(
  stored: readonly { ts: number; point: VitalsPoint }[],
  pending: readonly VitalsPoint[],
  from: number,
  to: number,
): VitalsPoint[] {
  const extra = pending.filter((p) => p.ts >= from && p.ts <= to).map((p) => ({ ts: p.ts, point: { ...p } }));
  // Array.prototype.sort is stable: stored points keep their Redis order ahead of pending ones.
  return [...stored, ...extra].sort((a, b) => a.ts - b.ts).map((e) => e.point);
}
