import { describe, expect, it } from 'vitest';
import { LatencyHistogram, percentile, summarize } from './stats.ts';

describe('percentile (nearest rank)', () => {
  it('is the smallest value with at least p of them at or below it', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(xs, 0.5)).toBe(50);
    expect(percentile(xs, 0.99)).toBe(99);
    expect(percentile(xs, 1)).toBe(100);
    expect(percentile([7], 0.99)).toBe(7);
    expect(percentile([], 0.5)).toBeNaN();
  });

  it('summarizes unsorted values', () => {
    expect(summarize([3, 1, 2, 10])).toEqual({ count: 4, p50: 2, p99: 10, max: 10, mean: 4 });
  });
});

describe('LatencyHistogram', () => {
  it('gives percentiles at most 1 % high, never low, and the exact maximum', () => {
    const h = new LatencyHistogram();
    const xs = Array.from({ length: 10_000 }, (_, i) => 0.05 + i * 0.1);
    for (const x of xs) h.record(x);
    for (const p of [0.5, 0.9, 0.99]) {
      const exact = percentile(xs, p);
      expect(h.percentile(p)).toBeGreaterThanOrEqual(exact);
      expect(h.percentile(p)).toBeLessThanOrEqual(exact * 1.01);
    }
    expect(h.summary().max).toBe(xs.at(-1));
    expect(h.summary().count).toBe(10_000);
  });

  it('merges what other processes sent over IPC as if recorded in one', () => {
    const a = new LatencyHistogram();
    const b = new LatencyHistogram();
    const all = new LatencyHistogram();
    for (let i = 0; i < 1000; i++) {
      const v = (i * 7919) % 500;
      (i % 2 ? a : b).record(v);
      all.record(v);
    }
    const merged = LatencyHistogram.from(JSON.parse(JSON.stringify(a)));
    merged.merge(b.toJSON());
    expect(merged.summary()).toEqual(all.summary());
  });

  it('keeps sub-microsecond and zero latencies in the first bucket', () => {
    const h = new LatencyHistogram();
    h.record(0);
    h.record(0.0005);
    expect(h.percentile(1)).toBe(0.0005);
    expect(new LatencyHistogram().percentile(0.5)).toBeNaN();
  });
});
