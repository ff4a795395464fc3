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

/** With `step`, the last point of each step-long bucket: enough for a chart, bounded in size. */
function downsample(points: VitalsPoint[], stepMs: number | undefined): VitalsPoint[] {
  if (!stepMs) return points;
  const out: VitalsPoint[] = [];
  let bucket = Number.NaN;
  for (const p of [...points].sort((a, b) => a.ts - b.ts)) {
    const b = Math.floor(p.ts / stepMs);
    if (b === bucket) out[out.length - 1] = p;
    else out.push(p);
    bucket = b;
  }
  return out;
}
