/** One sample of the product process during a soak. */
export interface SoakSample {
  /** Seconds since the steady phase started. */
  tS: number;
  rssMb: number;
  /** V8 heap in use (from `/metrics`), null when the scrape failed. */
  heapUsedMb: number | null;
}

export interface SeriesSummary {
  startMb: number;
  endMb: number;
  maxMb: number;
  /** Least-squares slope over every sample, MB per minute. */
  slopeMbPerMin: number;
  /** The same over the second half only: growth left once the bounded structures have filled. */
  secondHalfSlopeMbPerMin: number;
}

/** Least-squares slope of y over x (0 with fewer than two distinct x). */
export function slope(points: readonly { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.x - mx) * (p.y - my);
    den += (p.x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/** Start, end, max and slopes of one series; null when it has no sample. */
export function summarizeSeries(samples: readonly SoakSample[], pick: (s: SoakSample) => number | null) {
  const points = samples.flatMap((s) => {
    const y = pick(s);
    return y === null ? [] : [{ x: s.tS / 60, y }];
  });
  const first = points[0];
  const last = points.at(-1);
  if (first === undefined || last === undefined) return null;
  const half = points.filter((p) => p.x >= (first.x + last.x) / 2);
  const round = (v: number) => Math.round(v * 100) / 100;
  return {
    startMb: round(first.y),
    endMb: round(last.y),
    maxMb: round(Math.max(...points.map((p) => p.y))),
    slopeMbPerMin: round(slope(points)),
    secondHalfSlopeMbPerMin: round(slope(half)),
  } satisfies SeriesSummary;
}

/** The one markdown table row docs/performance.md "Soak" collects. */
export function soakMarkdownRow(r: {
  devices: number;
  rateHz: number;
  minutes: number;
  rss: SeriesSummary | null;
  heap: SeriesSummary | null;
  published: number;
  acked: number;
}): string {
  const mb = (s: SeriesSummary | null, f: (s: SeriesSummary) => number) => (s ? `${f(s)}` : 'n/a');
  return (
    `| ${r.devices} × ${r.rateHz} Hz, ${r.minutes} min | ${mb(r.rss, (s) => s.startMb)} → ${mb(r.rss, (s) => s.endMb)} ` +
    `(max ${mb(r.rss, (s) => s.maxMb)}) | ${mb(r.rss, (s) => s.slopeMbPerMin)} / ${mb(r.rss, (s) => s.secondHalfSlopeMbPerMin)} | ` +
    `${mb(r.heap, (s) => s.startMb)} → ${mb(r.heap, (s) => s.endMb)} | ${mb(r.heap, (s) => s.secondHalfSlopeMbPerMin)} | ` +
    `${r.published} / ${r.acked} |`
  );
}

export const SOAK_TABLE_HEADER =
  '| load | RSS MB start → end (max) | RSS slope MB/min all / 2nd half | heap used MB start → end | heap slope 2nd half | published / acked |\n|---|---|---|---|---|---|';
