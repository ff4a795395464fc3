import { describe, expect, it } from 'vitest';
import { type SoakSample, slope, soakMarkdownRow, summarizeSeries } from './soak-stats.ts';

describe('soak statistics', () => {
  it('slope is the least-squares fit', () => {
    expect(slope([])).toBe(0);
    expect(slope([{ x: 1, y: 5 }])).toBe(0);
    expect(slope([0, 1, 2, 3].map((x) => ({ x, y: 2 * x + 7 })))).toBeCloseTo(2);
    expect(
      slope([
        { x: 0, y: 1 },
        { x: 1, y: 3 },
        { x: 2, y: 2 },
      ]),
    ).toBeCloseTo(0.5);
  });

  it('summarizes a series that fills then stays flat: growth in the first half only', () => {
    const samples: SoakSample[] = Array.from({ length: 21 }, (_, i) => ({
      tS: i * 60,
      rssMb: i < 10 ? 100 + 10 * i : 200,
      heapUsedMb: i === 3 ? null : 50,
    }));
    const rss = summarizeSeries(samples, (s) => s.rssMb);
    expect(rss).toMatchObject({ startMb: 100, endMb: 200, maxMb: 200, secondHalfSlopeMbPerMin: 0 });
    expect(rss?.slopeMbPerMin).toBeGreaterThan(0);
    expect(summarizeSeries(samples, (s) => s.heapUsedMb)).toMatchObject({ startMb: 50, slopeMbPerMin: 0 });
    expect(summarizeSeries([], (s) => s.rssMb)).toBeNull();
  });

  it('renders one markdown row, n/a where nothing was sampled', () => {
    const rss = { startMb: 1, endMb: 2, maxMb: 3, slopeMbPerMin: 0.1, secondHalfSlopeMbPerMin: 0 };
    const row = soakMarkdownRow({ devices: 10, rateHz: 1, minutes: 2, rss, heap: null, published: 5, acked: 5 });
    expect(row).toBe('| 10 × 1 Hz, 2 min | 1 → 2 (max 3) | 0.1 / 0 | n/a → n/a | n/a | 5 / 5 |');
  });
});
