import { type News2, toIso } from '@vigil/contracts';
import type { LatestVitals, VitalsPoint } from '@vigil/stores';

type Reading<T> = { v: T; ts: number };
const readingIso = <T>(r: Reading<T> | undefined) => r && { v: r.v, ts: toIso(r.ts) };

/** Stored epoch ms become ISO-8601 UTC on output (contract preamble). */
export function toVitalsResponse(
  residentId: string,
  latest: LatestVitals | undefined,
  points: VitalsPoint[],
  stepMs?: number,
  news2?: News2,
) {
  const values = Object.fromEntries(
    Object.entries(latest?.values ?? {}).map(([k, r]) => [k, readingIso(r as Reading<number>)]),
  );
  return {
    residentId,
    latest: latest
      ? {
          residentId,
          values,
          ...(latest.consciousness && { consciousness: readingIso(latest.consciousness) }),
          ...(latest.onOxygen && { onOxygen: readingIso(latest.onOxygen) }),
          ...(latest.worn && { worn: readingIso(latest.worn) }),
          ...(news2 && { news2 }),
        }
      : null,
    points: downsample(points, stepMs).map((p) => ({ ...p, ts: toIso(p.ts) })),
  };
}

/**
 * With `step`, one point per step-long bucket: the last reading of each vital in it (a bucket where
 * the cuff spoke first and the wearable last keeps both the blood pressure and the heart rate), at
 * the time of the bucket's last point. Enough for a chart, bounded in size.
 */
export function downsample(points: readonly VitalsPoint[], stepMs: number | undefined): VitalsPoint[] {
  if (!stepMs) return [...points];
  const out: VitalsPoint[] = [];
  let bucket = Number.NaN;
  for (const p of [...points].sort((a, b) => a.ts - b.ts)) {
    const b = Math.floor(p.ts / stepMs);
    if (b === bucket) out[out.length - 1] = { ...out[out.length - 1], ...definedFields(p) };
    else out.push({ ...p });
    bucket = b;
  }
  return out;
}

/** The point's fields that hold a value (an absent vital must not erase an earlier one in the step). */
function definedFields(p: VitalsPoint): VitalsPoint {
  return Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined)) as unknown as VitalsPoint;
}

/** Raw points in one vitals answer at most (issue 12 "bounded state"; docs/api.md "Paging"). */
export const VITALS_MAX_POINTS = 10_000;

/**
 * The step when the caller gave none: none while the raw points fit, else whole seconds wide enough
 * that the range fits in `VITALS_MAX_POINTS` steps (so 31 days of 1 Hz samples come back as 10,000).
 */
export function boundedStep(fromMs: number, toMs: number, points: number): number | undefined {
  if (points <= VITALS_MAX_POINTS) return undefined;
  return Math.max(1000, Math.ceil((toMs - fromMs + 1) / VITALS_MAX_POINTS / 1000) * 1000);
}
