/**
 * Latency statistics. Few samples (SOS arrivals) keep every value and take exact nearest-rank
 * percentiles; many (a PUBACK per publish, 600,000 in a 10,000 × 1 Hz × 60 s run) go into a log
 * histogram of 1 % buckets, which fleet processes can send over IPC and the orchestrator can merge.
 */

export interface Summary {
  count: number;
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentile of ascending values: the smallest value with at least `p` of them at or below it. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(p * sorted.length)));
  return sorted[rank - 1] as number;
}

export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const sum = sorted.reduce((s, v) => s + v, 0);
  return {
    count: sorted.length,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    max: sorted.at(-1) ?? Number.NaN,
    mean: sorted.length ? sum / sorted.length : Number.NaN,
  };
}

/** What a histogram sends over IPC and keeps in the JSON report: sparse `[bucket, count]` pairs. */
export interface HistogramData {
  buckets: [number, number][];
  count: number;
  sum: number;
  max: number;
}

/** Values at or below 1 µs share bucket 0; above, bucket i holds (MIN·G^(i−1), MIN·G^i]. */
const MIN_MS = 0.001;
const GROWTH = 1.01;
const LOG_GROWTH = Math.log(GROWTH);

/** Millisecond latencies in buckets 1 % wide: percentiles come out at most 1 % high, never low. */
export class LatencyHistogram {
  private readonly counts = new Map<number, number>();
  count = 0;
  sum = 0;
  max = 0;

  static from(data: HistogramData): LatencyHistogram {
    const h = new LatencyHistogram();
    h.merge(data);
    return h;
  }

  record(ms: number): void {
    const v = Math.max(0, ms);
    const bucket = v <= MIN_MS ? 0 : Math.ceil(Math.log(v / MIN_MS) / LOG_GROWTH);
    this.counts.set(bucket, (this.counts.get(bucket) ?? 0) + 1);
    this.count++;
    this.sum += v;
    if (v > this.max) this.max = v;
  }

  merge(data: HistogramData): void {
    for (const [bucket, n] of data.buckets) this.counts.set(bucket, (this.counts.get(bucket) ?? 0) + n);
    this.count += data.count;
    this.sum += data.sum;
    this.max = Math.max(this.max, data.max);
  }

  /** The upper bound of the bucket holding the nearest-rank value, capped at the true maximum. */
  percentile(p: number): number {
    if (this.count === 0) return Number.NaN;
    const rank = Math.min(this.count, Math.max(1, Math.ceil(p * this.count)));
    let seen = 0;
    for (const bucket of [...this.counts.keys()].sort((a, b) => a - b)) {
      seen += this.counts.get(bucket) as number;
      if (seen >= rank) return Math.min(this.max, MIN_MS * GROWTH ** bucket);
    }
    return this.max;
  }

  summary(): Summary {
    return {
      count: this.count,
      p50: this.percentile(0.5),
      p99: this.percentile(0.99),
      max: this.count ? this.max : Number.NaN,
      mean: this.count ? this.sum / this.count : Number.NaN,
    };
  }

  toJSON(): HistogramData {
    return { buckets: [...this.counts.entries()], count: this.count, sum: this.sum, max: this.max };
  }
}
